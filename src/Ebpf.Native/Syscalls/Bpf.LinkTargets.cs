using System.Text;
using Ebpf.Native.Attrs;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// What a raw tracepoint or perf event link is attached to, as its bpf_link_info names it: "sched_switch",
    /// "tracepoint sched_process_exec", "kprobe do_unlinkat+0", "uprobe /bin/x+0x1139", "perf event type 1 config 0";
    /// null for other link kinds and for kernels that do not fill these members (raw tracepoints before 5.8, perf events before 6.6).
    /// </summary>
    public static string? GetLinkTarget(BpfLinkFd link)
    {
        using var lease = new FdLease(link);
        byte* name = stackalloc byte[256];
        new Span<byte>(name, 256).Clear();
        LinkTargetInfoRaw info = default;
        GetInfo(lease.Fd, &info, (uint)sizeof(LinkTargetInfoRaw), link); // the type first, to know which member to point at the buffer
        var type = (BpfLinkType)info.Type;
        if (type is not (BpfLinkType.RawTracepoint or BpfLinkType.PerfEvent)) return null;
        var perfType = info.PerfEventType;
        info = default;
        if (type == BpfLinkType.RawTracepoint) { info.RawTpName = (ulong)name; info.RawTpNameLen = 256; }
        else if (perfType is >= 1 and <= 5) { info.PerfEventType = perfType; info.PerfName = (ulong)name; info.PerfNameLen = 256; }
        GetInfo(lease.Fd, &info, (uint)sizeof(LinkTargetInfoRaw), link);
        string text = FromCString(new ReadOnlySpan<byte>(name, 256));
        if (type == BpfLinkType.RawTracepoint) return text.Length == 0 ? null : text;
        return info.PerfEventType switch
        {
            1 or 2 => $"{(info.PerfEventType == 2 ? "uretprobe" : "uprobe")} {text}+0x{info.PerfOffset:x}",
            3 or 4 => $"{(info.PerfEventType == 4 ? "kretprobe" : "kprobe")} {text}+{info.PerfOffset}",
            5 => $"tracepoint {text}",
            6 => $"perf event type {(uint)info.PerfNameLen} config {info.PerfName}",
            _ => null,
        };
    }
}
