namespace Ebpf.Object.Sections;

/// <summary>
/// One row of the section-name table: a spelling and what a program in such a section is.
/// </summary>
/// <param name="Name">The spelling without libbpf's '+' or '/' marker: "kprobe", "cgroup_skb/ingress".</param>
/// <param name="Match">Whether a "/target" may or must follow <paramref name="Name"/>.</param>
/// <param name="ProgramType">The program type the kernel loads.</param>
/// <param name="ExpectedAttachType">expected_attach_type at load; null loads with none (0).</param>
/// <param name="AttachType">
/// The attach type used when attaching, when the section fixes it; null when it is chosen at attach
/// (cgroup/skb), when attaching takes no attach type (socket, tc via netlink), or depends on the kernel (usdt).
/// </param>
/// <param name="Flags">libbpf's flags for the entry, plus ours.</param>
/// <param name="TargetKind">What the part after "Name/" holds.</param>
/// <param name="AutoAttachable">libbpf can attach it from the section alone, given a well-formed target.</param>
public sealed record SectionEntry(
    string Name,
    SectionMatch Match,
    BpfProgramType ProgramType,
    BpfAttachType? ExpectedAttachType,
    BpfAttachType? AttachType,
    SectionFlags Flags,
    SectionTargetKind TargetKind,
    bool AutoAttachable)
{
    /// <summary>The name in libbpf's notation: "xdp", "kprobe+", "xdp_devmap/".</summary>
    public string Pattern => Match switch
    {
        SectionMatch.ExactOrTarget => Name + "+",
        SectionMatch.Target => Name + "/",
        _ => Name,
    };

    public bool Sleepable => (Flags & SectionFlags.Sleepable) != 0;
    public bool XdpFrags => (Flags & SectionFlags.XdpFrags) != 0;

    /// <summary>A target is needed before the program can load (BTF-attached kinds); it may come from the section or be set later.</summary>
    public bool RequiresTarget => (Flags & SectionFlags.AttachBtf) != 0;

    public bool LegacyOnly => (Flags & SectionFlags.LegacyOnly) != 0;

    public override string ToString() => Pattern;
}
