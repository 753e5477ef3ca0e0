using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Program-level checks, run before code generation: what is wrong with a program as a whole (its attribute, its
/// signature, its call graph, its loops) rather than with one instruction. Each finding is a <see cref="CompilerException"/>
/// with the file and line from the PDB, a code from <see cref="DiagnosticCodes"/> and the fix.
/// </summary>
internal static class ProgramChecks
{
    /// <summary>Checks a class of programs: attributes first (nothing else can be read before they construct), then each program.</summary>
    public static void Check(AssemblyInput input, Type programs)
    {
        var methods = AttributeChecks.Check(input, programs);
        foreach (var (method, attribute) in methods)
            SignatureCheck.Check(input, method, attribute);
        CheckCode(input, methods.Select(m => MetadataTokens.MethodDefinitionHandle(m.Method.MetadataToken)));
    }

    /// <summary>Checks the code reachable from functions compiled without a program class: calls, recursion and loops.</summary>
    public static void CheckCode(AssemblyInput input, IEnumerable<MethodDefinitionHandle> roots)
    {
        var bodies = new MethodBodies(input);
        var calls = new CallChecks(input, bodies);
        foreach (var root in roots)
            calls.Walk(root);
        foreach (var method in calls.Reached)
            LoopChecks.Check(input, method, bodies.Instructions(method));
    }
}
