namespace Ebpf.Native;

/// <summary>
/// A link as the kernel describes it (struct bpf_link_info). Per-kind fields are set for the kinds that have them:
/// cgroup links (<see cref="CgroupId"/>, <see cref="AttachType"/>), tracing (attach type, target object and BTF id),
/// netns (attach type, <see cref="NetnsIno"/>), XDP and tcx (<see cref="Ifindex"/>).
/// </summary>
public sealed record BpfLinkInfo(
    BpfLinkType Type,
    uint Id,
    uint ProgramId,
    BpfAttachType? AttachType = null,
    ulong? CgroupId = null,
    uint? Ifindex = null,
    uint? NetnsIno = null,
    uint? TargetObjectId = null,
    uint? TargetBtfId = null);
