using System.Reflection;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// A program method must be what its attribute says the kernel calls: static, one parameter of the attribute's context
/// type, and the attribute's verdict type as the return (the kernel checks the returned range per program kind).
/// </summary>
internal static class SignatureCheck
{
    // Kinds whose return is a plain number (a length, 0 or -errno) take any integer the verifier can range-check.
    private static readonly Type[] Integers = [typeof(int), typeof(uint), typeof(long), typeof(ulong)];

    public static void Check(AssemblyInput input, MethodInfo method, ProgramAttribute attribute)
    {
        var parameters = method.GetParameters();
        var context = attribute.ContextType;
        var returns = attribute.ReturnType;
        var problems = new List<string>();
        if (!method.IsStatic)
            problems.Add("is an instance method");
        if (method.IsGenericMethodDefinition)
            problems.Add("is generic");
        var parametersFit = TracingSignatures.Fits(attribute, parameters, method.ReturnType, problems) ?? (context is not null
            ? parameters is [var only] && only.ParameterType == context
            : parameters is [] || (parameters is [var raw] && IsRawPointer(raw.ParameterType)));
        if (!parametersFit)
            problems.Add($"takes ({string.Join(", ", parameters.Select(p => TypeNames.CSharp(p.ParameterType)))})");
        if (returns is not null ? method.ReturnType != returns : !Integers.Contains(method.ReturnType))
            problems.Add($"returns {TypeNames.CSharp(method.ReturnType)}");
        string? traced = null;
        if (problems.Count == 0 && TracedFunctions.Check(attribute, method) is var (problem, signature))
        {
            problems.Add(problem);
            traced = signature;
        }
        if (problems.Count == 0)
            return;

        var parameterName = parameters is [{ Name: { Length: > 0 } name }] ? name : "ctx";
        var expected = traced ?? TracingSignatures.Expected(attribute, method.Name) ?? $"static {(returns is null ? "int" : returns.Name)} {method.Name}({(context is null ? "" : $"{context.Name} {parameterName}")})";
        var notes = new List<string>();
        if (returns is null)
            notes.Add("uint, long or ulong may be returned instead of int");
        if (context is null)
            notes.Add($"or with one raw pointer parameter such as 'void* {parameterName}'");
        var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken);
        var first = AttributeChecks.First(input, handle);
        throw new CompilerException(SourceScan.FindAbove(first, SourceScan.Declaration(method.Name)) ?? first, DiagnosticCodes.ProgramSignature,
            $"[{AttributeChecks.ShortName(attribute.GetType())}] program {method.Name} must be '{expected}'" +
            $"{(notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})")}; it {Join(problems)}");
    }

    // Where the library has no context type for a kind, the program reads its context through a pointer.
    private static bool IsRawPointer(Type type) => type.IsPointer || type == typeof(nint) || type == typeof(nuint);

    private static string Join(List<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
}

/// <summary>Types as C# spells them, for messages that show a signature to write.</summary>
internal static class TypeNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short",
        [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint", [typeof(char)] = "char", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object",
    };

    public static string CSharp(Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword))
            return keyword;
        if (type.IsByRef)
            return "ref " + CSharp(type.GetElementType()!);
        if (type.IsPointer)
            return CSharp(type.GetElementType()!) + "*";
        if (type.IsArray)
            return CSharp(type.GetElementType()!) + "[]";
        if (type.IsGenericType)
        {
            var tick = type.Name.IndexOf('`');
            return $"{(tick < 0 ? type.Name : type.Name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(CSharp))}>";
        }
        return type.Name;
    }
}
