namespace Ebpf.Object.Externs;

/// <summary>What an extern of a BPF object stands for, which decides who resolves it and how.</summary>
public enum ExternKind
{
    /// <summary><c>extern ... __kconfig</c>: a Kconfig value or LINUX_* fact, read from a frozen .kconfig map.</summary>
    Kconfig,
    /// <summary><c>extern T sym __ksym</c>: a kernel variable with a BTF type (per-CPU variables such as runqueues), loaded as BPF_PSEUDO_BTF_ID.</summary>
    TypedKsym,
    /// <summary><c>extern const void sym __ksym</c>: a kernel symbol without a type, loaded as its address from /proc/kallsyms.</summary>
    TypelessKsym,
    /// <summary>An extern function in .ksyms: a kfunc, called as BPF_PSEUDO_KFUNC_CALL by its BTF id in vmlinux or a module.</summary>
    Kfunc,
    /// <summary>An undefined symbol in neither .kconfig nor .ksyms (or an object without BTF): a symbol of another object, to be linked in first.</summary>
    Unresolved,
}

/// <summary>
/// One extern of an object (an undefined ELF symbol described in its BTF .kconfig or .ksyms DATASEC), as libbpf
/// collects them. <see cref="IsWeak"/> externs the kernel does not have resolve to zero (Kconfig, ksyms) or to a call
/// the verifier must find dead (kfuncs, guarded with <c>bpf_ksym_exists</c>) instead of failing the load.
/// </summary>
public sealed record ExternSpec(string Name, ExternKind Kind, bool IsWeak)
{
    /// <summary>The BTF DATASEC that <c>__ksym</c> externs are declared in (no ELF section holds them).</summary>
    public const string KsymsSection = ".ksyms";

    /// <summary>The object's BTF VAR (Kconfig, ksyms) or FUNC (kfuncs) describing the extern.</summary>
    public int BtfId { get; init; }

    /// <summary>The declared type: the VAR's type, or the FUNC's FUNC_PROTO.</summary>
    public int BtfTypeId { get; init; }

    public override string ToString() => $"{(IsWeak ? "weak " : "")}{Kind} {Name}";
}
