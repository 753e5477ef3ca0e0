using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>BPF_LINK_CREATE with the uprobe_multi member (attach type BPF_TRACE_UPROBE_MULTI, no target; Linux 6.6+).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct UprobeMultiLinkAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary>A pointer to the binary's NUL-terminated path.</summary>
    [FieldOffset(16)] public ulong Path;
    /// <summary>u64 file offsets, one per probe.</summary>
    [FieldOffset(24)] public ulong Offsets;
    /// <summary>u64 semaphore (reference counter) file offsets, or 0.</summary>
    [FieldOffset(32)] public ulong RefCtrOffsets;
    [FieldOffset(40)] public ulong Cookies;
    [FieldOffset(48)] public uint Count;
    /// <summary>BPF_F_UPROBE_MULTI_RETURN (1) makes return probes.</summary>
    [FieldOffset(52)] public uint UprobeFlags;
    [FieldOffset(56)] public uint Pid;
}
