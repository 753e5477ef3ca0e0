using System.Reflection.Metadata;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Walks the call graph from the program methods through the methods of the compiled assembly: refuses callvirt outside
/// the kernel-side library (whose maps and contexts are sealed classes the compiler lowers; C# calls their instance members
/// with callvirt) and refuses recursion, which the verifier rejects as a call cycle. Calls into other assemblies are left
/// to the function compiler, which says what it cannot lower.
/// </summary>
internal sealed class CallChecks(AssemblyInput input, MethodBodies bodies)
{
    private readonly CallTargets _targets = new(input);
    private readonly HashSet<MethodDefinitionHandle> _done = [];
    private readonly List<MethodDefinitionHandle> _path = [];

    /// <summary>Every method reached so far, callers before callees.</summary>
    public List<MethodDefinitionHandle> Reached { get; } = [];

    public void Walk(MethodDefinitionHandle method)
    {
        if (!_done.Add(method))
            return;
        Reached.Add(method);
        _path.Add(method);
        foreach (var ins in bodies.Instructions(method))
        {
            if (ins.OpCode is not (ILOpCode.Call or ILOpCode.Callvirt))
                continue;
            var target = _targets.Resolve(ins.Token);
            if (ins.OpCode == ILOpCode.Callvirt && !target.Kernel)
                throw new CompilerException(input.LocationOf(method, ins.Offset), DiagnosticCodes.VirtualCall,
                    $"the call to {target} is a virtual, interface or instance call (callvirt); BPF has no objects or virtual dispatch, so a " +
                    $"program calls only static methods and the kernel-side library: make it a static method that takes what it needs as arguments (in {input.MethodName(method)})");
            if (target.User is not { } callee || IsKfunc(callee))
                continue; // a kfunc's body, if any, runs in managed runs only
            var at = _path.IndexOf(callee);
            if (at >= 0)
                throw new CompilerException(input.LocationOf(method, ins.Offset), DiagnosticCodes.Recursion,
                    $"recursion {Cycle(_path.Skip(at).Append(callee).ToList())}: the verifier refuses a call cycle (BPF calls are not recursive); " +
                    "rewrite it as a loop with a constant bound, such as 'for (var i = 0; i < 32; i++)' carrying the state in locals");
            Walk(callee);
        }
        _path.RemoveAt(_path.Count - 1);
    }

    private bool IsKfunc(MethodDefinitionHandle method) =>
        input.Resolve(method).IsDefined(typeof(Ebpf.Kernel.KfuncAttribute), false);

    /// <summary>"Count -> Walk -> Count", with type names only where the cycle crosses types.</summary>
    private string Cycle(List<MethodDefinitionHandle> cycle)
    {
        var md = input.Metadata;
        var oneType = cycle.Select(m => md.GetMethodDefinition(m).GetDeclaringType()).Distinct().Count() == 1;
        return string.Join(" -> ", cycle.Select(m =>
        {
            var definition = md.GetMethodDefinition(m);
            var name = md.GetString(definition.Name);
            return oneType ? name : $"{md.GetString(md.GetTypeDefinition(definition.GetDeclaringType()).Name)}.{name}";
        }));
    }
}

/// <summary>Decoded method bodies, each decoded once for the call and loop checks; no body (extern, abstract) is no code.</summary>
internal sealed class MethodBodies(AssemblyInput input)
{
    private readonly Dictionary<MethodDefinitionHandle, IReadOnlyList<ILInstruction>> _decoded = [];

    public IReadOnlyList<ILInstruction> Instructions(MethodDefinitionHandle method)
    {
        if (_decoded.TryGetValue(method, out var code))
            return code;
        code = input.Metadata.GetMethodDefinition(method).RelativeVirtualAddress == 0
            ? []
            : ILDecoder.Decode(input.GetIL(method, out _), input.MethodName(method));
        _decoded[method] = code;
        return code;
    }
}
