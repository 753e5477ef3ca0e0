namespace Ebpf.Object.Sections;

/// <summary>
/// What a program section name means: the table entry it matched and the target written after the entry's name.
/// </summary>
public sealed record SectionDefinition
{
    /// <summary>The section name as found.</summary>
    public required string Section { get; init; }

    /// <summary>The table row that matched.</summary>
    public required SectionEntry Entry { get; init; }

    /// <summary>
    /// The part after "prefix/": a function, a tracepoint "category/name", a hook, a uprobe "path:function", ...;
    /// null when the section is the prefix alone (or matched only by <see cref="SectionNameMode.Legacy"/> prefix rules).
    /// </summary>
    public string? AttachTarget { get; init; }

    /// <summary>Why <see cref="AttachTarget"/> cannot be used to attach (libbpf's attach-time checks), or null when it can.</summary>
    public string? AttachTargetError { get; init; }

    /// <summary>Matched only by a libbpf 0.x / Aya 0.11 rule of <see cref="SectionNameMode.Legacy"/>.</summary>
    public bool LegacyMatch { get; init; }

    /// <summary>The table entry matched, in its plain spelling ("kprobe", "cgroup_skb/ingress").</summary>
    public string Prefix => Entry.Name;
    public BpfProgramType ProgramType => Entry.ProgramType;

    /// <summary>What goes into expected_attach_type at load; null for none (cgroup/skb gets its direction at attach).</summary>
    public BpfAttachType? ExpectedAttachType => Entry.ExpectedAttachType;

    /// <summary>The attach type used when attaching, if the section fixes it.</summary>
    public BpfAttachType? AttachType => Entry.AttachType;
    public SectionFlags Flags => Entry.Flags;
    public SectionTargetKind TargetKind => Entry.TargetKind;
    public bool Sleepable => Entry.Sleepable;
    public bool XdpFrags => Entry.XdpFrags;

    /// <summary>The program cannot load without a target (BTF-attached kinds); when <see cref="AttachTarget"/> is null it must be supplied.</summary>
    public bool RequiresTarget => Entry.RequiresTarget;

    /// <summary>The section alone says how to attach: an auto-attachable kind with a well-formed target.</summary>
    public bool AutoAttach => Entry.AutoAttachable && !string.IsNullOrEmpty(AttachTarget) && AttachTargetError is null;

    /// <summary>For tracepoint sections "tracepoint/CATEGORY/NAME", the category; otherwise null.</summary>
    public string? TracepointCategory =>
        TargetKind == SectionTargetKind.Tracepoint && SectionTargets.TryParseTracepoint(AttachTarget, out var t) ? t.Category : null;

    /// <summary>For tracepoint sections "tracepoint/CATEGORY/NAME", the name; otherwise null.</summary>
    public string? TracepointName =>
        TargetKind == SectionTargetKind.Tracepoint && SectionTargets.TryParseTracepoint(AttachTarget, out var t) ? t.Name : null;
}
