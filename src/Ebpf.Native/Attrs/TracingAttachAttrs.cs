using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>BPF_RAW_TRACEPOINT_OPEN (member "raw_tracepoint"); the cookie is Linux 6.10+.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct RawTracepointOpenAttr
{
    [FieldOffset(0)] public ulong Name;
    [FieldOffset(8)] public uint ProgFd;
    [FieldOffset(16)] public ulong Cookie;
}

/// <summary>BPF_LINK_CREATE with the perf_event member (attach type BPF_PERF_EVENT, target_fd a perf event).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct PerfEventLinkAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    [FieldOffset(16)] public ulong BpfCookie;
}

/// <summary>BPF_LINK_CREATE with the kprobe_multi member (attach type BPF_TRACE_KPROBE_MULTI, no target).</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct KprobeMultiLinkAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary>BPF_F_KPROBE_MULTI_RETURN (1) makes return probes.</summary>
    [FieldOffset(16)] public uint KprobeFlags;
    [FieldOffset(20)] public uint Count;
    [FieldOffset(24)] public ulong Symbols;
    [FieldOffset(32)] public ulong Addresses;
    [FieldOffset(40)] public ulong Cookies;
}
