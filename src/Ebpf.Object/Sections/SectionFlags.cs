namespace Ebpf.Object.Sections;

/// <summary>
/// Properties of a section-table entry. The low bits carry libbpf's meaning (its <c>sec_def_flags</c>),
/// so behaviour can be compared with libbpf line by line; the high bits are ours.
/// </summary>
[Flags]
public enum SectionFlags
{
    None = 0,

    /// <summary>The expected attach type may be dropped on kernels too old to accept one (libbpf SEC_EXP_ATTACH_OPT).</summary>
    ExpectedAttachTypeOptional = 1,

    /// <summary>Attached to a cgroup, socket map or similar with BPF_PROG_ATTACH or BPF_LINK_CREATE (libbpf SEC_ATTACHABLE).</summary>
    Attachable = 2,

    /// <summary>The target is a BTF id (kernel function, hook, iterator, program function) resolved at load (libbpf SEC_ATTACH_BTF).</summary>
    AttachBtf = 4,

    /// <summary>Loaded with BPF_F_SLEEPABLE (the ".s" spellings; libbpf SEC_SLEEPABLE).</summary>
    Sleepable = 8,

    /// <summary>Loaded with BPF_F_XDP_HAS_FRAGS (the "xdp.frags" spellings; libbpf SEC_XDP_FRAGS).</summary>
    XdpFrags = 16,

    /// <summary>USDT probe: the loader switches the expected attach type to uprobe-multi where the kernel has it (libbpf SEC_USDT).</summary>
    Usdt = 32,

    /// <summary>libbpf 0.x matched this entry as a plain prefix (SEC_SLOPPY_PFX); honoured only in <see cref="SectionNameMode.Legacy"/>.</summary>
    SloppyPrefix = 1 << 8,

    /// <summary>Accepted only in <see cref="SectionNameMode.Legacy"/>: a spelling that libbpf 1.x removed.</summary>
    LegacyOnly = 1 << 9,

    /// <summary>Still accepted, but libbpf documents a newer spelling (tc, classifier, action: use tcx/*).</summary>
    Deprecated = 1 << 10,
}
