using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>
/// struct bpf_link_info read for the names its raw_tracepoint and perf_event members point at: the head, then
/// raw_tracepoint {tp_name, tp_name_len} or perf_event {type; union {tracepoint, kprobe, uprobe, event}} at 16.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal struct LinkTargetInfoRaw
{
    [FieldOffset(0)] public uint Type;
    /// <summary>raw_tracepoint.tp_name (in: buffer).</summary>
    [FieldOffset(16)] public ulong RawTpName;
    [FieldOffset(24)] public uint RawTpNameLen;
    /// <summary>perf_event.type: enum bpf_perf_event_type.</summary>
    [FieldOffset(16)] public uint PerfEventType;
    /// <summary>tracepoint.tp_name, kprobe.func_name, uprobe.file_name (in: buffer); event.config.</summary>
    [FieldOffset(24)] public ulong PerfName;
    /// <summary>name_len (in/out); event.type.</summary>
    [FieldOffset(32)] public uint PerfNameLen;
    /// <summary>kprobe/uprobe offset.</summary>
    [FieldOffset(36)] public uint PerfOffset;
    /// <summary>kprobe.addr; tracepoint/uprobe/event cookie.</summary>
    [FieldOffset(40)] public ulong Perf40;
}
