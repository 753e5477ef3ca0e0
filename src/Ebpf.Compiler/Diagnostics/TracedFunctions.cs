using System.Reflection;
using Ebpf.Kernel;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Checks the parameters of a program that takes a traced function's arguments (fentry, fexit, fmod_ret, LSM, tp_btf,
/// raw_tracepoint) against that function in the kernel BTF of the machine that builds: a parameter past the arguments
/// (and past the return value that fexit, fmod_ret and LSM read after them), a parameter narrower than its argument, and
/// fexit's return value declared where an argument sits are build errors. The last one matters most: the kernel cannot
/// see it, the program just reads an argument. No BTF, or no such function in it, is no check: the loader and the
/// verifier still see the real kernel. EBPF_KERNEL_BTF names another BTF file; "none" turns the check off.
/// </summary>
internal static class TracedFunctions
{
    private static readonly Lazy<Btf?> Kernel = new(Load);

    // Names people give a return value; one of them in an argument's place is fexit's return value declared too early.
    private static readonly HashSet<string> ReturnNames = new(StringComparer.OrdinalIgnoreCase) { "ret", "retval", "result", "rc", "returnValue", "returned" };

    /// <summary>What is wrong with the parameters (null when nothing, or when the function is not known here) and the signature to write instead.</summary>
    public static (string Problem, string Expected)? Check(ProgramAttribute attribute, MethodInfo method)
    {
        if (Kernel.Value is not { } btf || Target(attribute) is not { } target || Arguments(btf, target) is not { } proto)
            return null;
        var (arguments, returnType) = proto;
        var withReturn = attribute is FExitAttribute or FModRetAttribute or LsmAttribute or LsmCgroupAttribute && returnType != 0;
        var parameters = method.GetParameters();
        var described = $"{target.Name} ({string.Join(", ", arguments.Select(a => Describe(btf, a.Type, a.Name)))})";
        var expected = $"static int {method.Name}({string.Join(", ", arguments.Select((a, i) => CSharp(btf, a.Type, a.Name.Length > 0 ? a.Name : $"arg{i}")).Concat(withReturn ? [CSharp(btf, returnType, "ret")] : []))})";
        var limit = arguments.Count + (withReturn ? 1 : 0);
        if (parameters.Length > limit)
            return ($"takes {parameters.Length} parameters, and {described} passes {arguments.Count} argument{(arguments.Count == 1 ? "" : "s")}" +
                (withReturn ? " and its return value" : ""), expected);
        if (attribute is FExitAttribute && parameters.Length is > 0 and var count && count <= arguments.Count
            && ReturnNames.Contains(parameters[^1].Name ?? "") && !ReturnNames.Contains(arguments[count - 1].Name))
            return ($"reads '{parameters[^1].Name}' from {target.Name}'s argument '{arguments[count - 1].Name}': fexit's return value comes after all " +
                $"{arguments.Count} arguments", expected);
        for (var i = 0; i < parameters.Length; i++)
        {
            var (name, type) = i < arguments.Count ? (arguments[i].Name, arguments[i].Type) : ("return value", returnType);
            var size = btf.SizeOf(type);
            if (Lowering.Layout.IsScalar(parameters[i].ParameterType) && Lowering.Layout.SizeOf(parameters[i].ParameterType) < size)
                return ($"declares '{parameters[i].Name}' as {TypeNames.CSharp(parameters[i].ParameterType)}, narrower than {target.Name}'s " +
                    $"{(i < arguments.Count ? $"argument {Describe(btf, type, name)}" : $"return value ({Describe(btf, type, "")})")} ({size} bytes)", expected);
        }
        return null;
    }

    /// <summary>The BTF type that holds the arguments, and whether the first one is the tracepoint's own data pointer (skipped).</summary>
    private static (string Name, BtfKind Kind, bool SkipFirst)? Target(ProgramAttribute attribute) => attribute switch
    {
        TrampolineAttribute t => (t.Function, BtfKind.Func, false),
        LsmAttribute l => ("bpf_lsm_" + l.Hook, BtfKind.Func, false),
        LsmCgroupAttribute l => ("bpf_lsm_" + l.Hook, BtfKind.Func, false),
        TpBtfAttribute tp => ("btf_trace_" + tp.Name, BtfKind.Typedef, true),
        RawTracePointAttribute raw => ("btf_trace_" + raw.Name, BtfKind.Typedef, true),
        _ => null,
    };

    private static (IReadOnlyList<BtfParam> Arguments, int ReturnType)? Arguments(Btf btf, (string Name, BtfKind Kind, bool SkipFirst) target)
    {
        var type = btf.FindByName(target.Name, target.Kind);
        var proto = type switch
        {
            BtfFunc f => btf[f.Type] as BtfFuncProto,
            BtfTypedef t when btf.Skip(t.Type) is BtfPointer p => btf.Skip(p.Type) as BtfFuncProto,
            _ => null,
        };
        if (proto is null || proto.IsVariadic) return null;
        return (target.SkipFirst ? proto.Parameters.Skip(1).ToList() : proto.Parameters, proto.ReturnType);
    }

    private static Btf? Load()
    {
        var path = Environment.GetEnvironmentVariable("EBPF_KERNEL_BTF") is { Length: > 0 } set ? set : Btf.KernelPath;
        if (path == "none" || !File.Exists(path)) return null;
        try { return Btf.Load(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfException) { return null; } // unreadable BTF: no check, as without BTF
    }

    /// <summary>A C declaration for a message: "struct filename *name".</summary>
    private static string Describe(Btf btf, int type, string name)
    {
        var c = CType(btf, type);
        return name.Length == 0 ? c : c.EndsWith('*') ? c + name : c + " " + name;
    }

    private static string CType(Btf btf, int id)
    {
        var t = btf[id];
        return t switch
        {
            _ when id == 0 => "void",
            BtfPointer p => CType(btf, p.Type) is var inner && inner.EndsWith('*') ? inner + "*" : inner + " *",
            BtfConst c => "const " + CType(btf, c.Type),
            BtfVolatile v => CType(btf, v.Type),
            BtfStruct => "struct " + t.Name,
            BtfUnion => "union " + t.Name,
            BtfEnumBase => "enum " + t.Name,
            BtfFuncProto => "void (*)()",
            _ => t.Name.Length > 0 ? t.Name : "?",
        };
    }

    /// <summary>The C# parameter for an argument: integers by size and sign, pointers as ulong (a BTF pointer the program reads with CO-RE).</summary>
    private static string CSharp(Btf btf, int type, string name)
    {
        var t = btf.Skip(type);
        var size = btf.SizeOf(type);
        var signed = t is BtfInt { IsSigned: true } || t is BtfEnumBase { Signed: true };
        var keyword = t switch
        {
            BtfPointer => "ulong",
            BtfInt { Size: 1 } i when i.IsBool => "bool",
            _ => (size, signed) switch { (1, true) => "sbyte", (1, false) => "byte", (2, true) => "short", (2, false) => "ushort", (4, true) => "int", (4, false) => "uint", (_, true) => "long", _ => "ulong" },
        };
        return $"{keyword} {name}";
    }
}
