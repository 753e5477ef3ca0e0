using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>
/// struct perf_event_attr up to config2 and beyond (PERF_ATTR_SIZE_VER7, 128 bytes); the fields the readers set
/// are named, the rest stay zero, which the kernel reads as "not used".
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct PerfEventAttr
{
    public const int Size = 128;

    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint AttrSize;
    [FieldOffset(8)] public ulong Config;
    [FieldOffset(16)] public ulong SamplePeriod;
    [FieldOffset(24)] public ulong SampleType;
    [FieldOffset(32)] public ulong ReadFormat;
    [FieldOffset(40)] public ulong Flags;          // the bit fields: disabled (bit 0), ..., watermark (bit 14)
    [FieldOffset(48)] public uint WakeupEventsOrWatermark;
    /// <summary>Also kprobe_func / uprobe_path (a pointer to a NUL-terminated name) and bp_addr.</summary>
    [FieldOffset(56)] public ulong Config1;
    /// <summary>Also kprobe_addr / probe_offset and bp_len.</summary>
    [FieldOffset(64)] public ulong Config2;

    public const uint PERF_TYPE_HARDWARE = 0, PERF_TYPE_SOFTWARE = 1, PERF_TYPE_TRACEPOINT = 2;
    public const ulong PERF_COUNT_SW_BPF_OUTPUT = 10;
    public const ulong PERF_SAMPLE_RAW = 1 << 10;
    public const ulong FlagDisabled = 1 << 0, FlagFreq = 1 << 10, FlagWatermark = 1 << 14;
}
