namespace Ebpf.Native;

/// <summary>A program as the kernel describes it (struct bpf_prog_info). Run count and time grow only while stats are enabled.</summary>
public sealed record BpfProgramInfo(
    BpfProgramType Type,
    uint Id,
    string Name,
    string Tag,
    uint JitedSize,
    uint XlatedSize,
    ulong LoadTimeNs,
    uint CreatedByUid,
    IReadOnlyList<uint> MapIds,
    uint BtfId,
    bool GplCompatible,
    ulong RunTimeNs,
    ulong RunCount,
    ulong RecursionMisses,
    uint VerifiedInstructions,
    uint AttachBtfObjectId,
    uint AttachBtfId,
    uint Ifindex)
{
    /// <summary>Load time as wall-clock UTC, approximately (the kernel reports nanoseconds since boot; the conversion uses the monotonic clock).</summary>
    public DateTime LoadTimeUtc => DateTime.UtcNow - TimeSpan.FromMilliseconds(Environment.TickCount64) + TimeSpan.FromTicks((long)(LoadTimeNs / 100));
}
