using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Externs;

namespace Ebpf.Loading.Externs;

/// <summary>
/// Resolves the ksym and kfunc externs of one load against the running kernel, as libbpf does: typeless ksyms by
/// address from /proc/kallsyms, typed ksyms and kfuncs by BTF id from vmlinux or module BTF (the declared type checked
/// against the kernel's where the kernel's is readable). Weak externs the kernel lacks resolve as missing; a strong
/// one is an error naming it. Each extern is resolved once per load, when the first program that uses it is loaded.
/// Holds the module BTF descriptors the load refers to (in <see cref="FdArray"/>) until disposed.
/// </summary>
internal sealed class ExternResolver(BpfObjectFile spec) : IDisposable
{
    private readonly Dictionary<ExternSpec, ResolvedExtern> _resolved = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (BpfBtfFd Fd, short Index)> _modules = new(StringComparer.Ordinal);
    // fd_array slot 0 is never read: a kfunc call's off 0 means vmlinux.
    private readonly List<int> _fdArray = [0];

    /// <summary>fd_array for BPF_PROG_LOAD: module BTF descriptors that kfunc calls name by index; empty when none is needed.</summary>
    public ReadOnlySpan<int> FdArray => _fdArray.Count > 1 ? _fdArray.ToArray() : default;

    public ResolvedExtern Resolve(ExternSpec extern_, string program)
    {
        if (_resolved.TryGetValue(extern_, out var known))
            return known;
        var resolved = extern_.Kind switch
        {
            ExternKind.TypelessKsym => KernelSymbols.Address(extern_.Name) is { } address
                ? new ResolvedExtern(true, address, 0, 0, 0, $"address 0x{address:x} ({KernelSymbols.Path})")
                : Missing(extern_, program, $"{KernelSymbols.Path} does not list it (or hides addresses: run as root, kernel.kptr_restrict)"),
            ExternKind.TypedKsym => FromBtf(extern_, program, BtfKind.Var),
            ExternKind.Kfunc => FromBtf(extern_, program, BtfKind.Func),
            ExternKind.Kconfig => throw new InvalidOperationException("Kconfig externs are read from the .kconfig map"),
            _ => throw new BpfLoadException($"program '{program}' refers to '{extern_.Name}', which {spec.Source} does not define and which is neither a Kconfig value (__kconfig) nor a kernel symbol (__ksym); " +
                "if it is defined in another BPF object, link the objects first (bpftool gen object OUT.o A.o B.o)"),
        };
        _resolved[extern_] = resolved;
        return resolved;
    }

    private ResolvedExtern FromBtf(ExternSpec extern_, string program, BtfKind kind)
    {
        Btf vmlinux;
        try
        {
            vmlinux = CoRe.KernelBtf.Shared;
        }
        catch (BtfException e)
        {
            return Missing(extern_, program, $"the kernel's BTF ({Btf.KernelPath}) could not be read: {e.Message}");
        }
        if (KernelBtfObjects.Find(extern_.Name, kind) is not { } found)
            return Missing(extern_, program, $"no {(kind == BtfKind.Func ? "function" : "variable")} of that name in the BTF of vmlinux or a loaded module");
        if (found.Module is null && Incompatible(extern_, vmlinux, found.Id) is { } why)
            return Missing(extern_, program, why);
        if (found.Module is not { } module)
            return new ResolvedExtern(true, 0, found.Id, 0, 0, $"vmlinux BTF id {found.Id}");
        if (!_modules.TryGetValue(module, out var opened))
        {
            var fd = KernelBtfObjects.OpenModule(module);
            opened = (fd, (short)_fdArray.Count);
            _fdArray.Add(fd.Fd);
            _modules[module] = opened;
        }
        return new ResolvedExtern(true, 0, found.Id, opened.Fd.Fd, opened.Index, $"module {module} BTF id {found.Id}");
    }

    /// <summary>Why the declared type cannot be the kernel's (null when it can): a kfunc's parameter count, a variable's kind of type.</summary>
    private string? Incompatible(ExternSpec extern_, Btf vmlinux, int kernelId)
    {
        var local = spec.Btf!;
        if (extern_.Kind == ExternKind.Kfunc)
        {
            var mine = local.Skip(extern_.BtfTypeId) as BtfFuncProto;
            var theirs = vmlinux.Skip(((BtfFunc)vmlinux[kernelId]).Type) as BtfFuncProto;
            return mine is not null && theirs is not null && mine.Parameters.Count != theirs.Parameters.Count
                ? $"it is declared with {mine.Parameters.Count} parameters, the kernel's has {theirs.Parameters.Count}"
                : null;
        }
        var declared = local.Skip(extern_.BtfTypeId);
        var actual = vmlinux.Skip(((BtfVar)vmlinux[kernelId]).Type);
        return declared.Kind != actual.Kind || (declared.Name.Length > 0 && declared.Name != actual.Name)
            ? $"it is declared as {Describe(declared)}, the kernel's is {Describe(actual)}"
            : null;
    }

    private static string Describe(BtfType t) => t.Name.Length > 0 ? $"{t.Kind.ToString().ToLowerInvariant()} {t.Name}" : t.Kind.ToString().ToLowerInvariant();

    private static ResolvedExtern Missing(ExternSpec extern_, string program, string why)
    {
        if (extern_.IsWeak)
            return ResolvedExtern.Missing(why);
        var what = extern_.Kind switch
        {
            ExternKind.Kfunc => "kfunc",
            ExternKind.TypedKsym => "kernel variable (typed __ksym)",
            _ => "kernel symbol (__ksym)",
        };
        throw new BpfLoadException($"program '{program}' uses the {what} '{extern_.Name}', which this kernel does not provide: {why}. " +
            (extern_.Kind == ExternKind.Kfunc
                ? "Declare it weak to load without it (C: __weak; C#: [Kfunc(Weak = true)]) and guard its calls with bpf_ksym_exists (C#: Kfunc.Exists), or run on a kernel that has it."
                : "Declare it __weak to load without it (it then reads as 0)."));
    }

    public void Dispose()
    {
        foreach (var (fd, _) in _modules.Values)
            fd.Dispose();
        _modules.Clear();
    }
}
