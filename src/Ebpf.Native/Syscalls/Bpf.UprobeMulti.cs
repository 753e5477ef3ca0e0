using System.Text;
using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// BPF_LINK_CREATE with attach type BPF_TRACE_UPROBE_MULTI: one link probing <paramref name="path"/> at every
    /// file offset in <paramref name="offsets"/> (return probes when <paramref name="retprobe"/>), for process
    /// <paramref name="pid"/> only when it is above 0. The program must have been loaded for BPF_TRACE_UPROBE_MULTI.
    /// </summary>
    public static BpfLinkFd LinkCreateUprobeMulti(BpfProgramFd program, string path, ReadOnlySpan<ulong> offsets,
        ReadOnlySpan<ulong> refCtrOffsets, ReadOnlySpan<ulong> cookies, bool retprobe, int pid = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (offsets.IsEmpty) throw new ArgumentException("uprobe_multi needs at least one offset", nameof(offsets));
        if (!refCtrOffsets.IsEmpty && refCtrOffsets.Length != offsets.Length)
            throw new ArgumentException($"uprobe_multi: {refCtrOffsets.Length} reference counter offsets for {offsets.Length} probes", nameof(refCtrOffsets));
        if (!cookies.IsEmpty && cookies.Length != offsets.Length)
            throw new ArgumentException($"uprobe_multi: {cookies.Length} cookies for {offsets.Length} probes", nameof(cookies));
        using var p = new FdLease(program);
        var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* ppath = pathBytes)
        fixed (ulong* poffsets = offsets)
        fixed (ulong* prefs = refCtrOffsets)
        fixed (ulong* pcookies = cookies)
        {
            UprobeMultiLinkAttr attr = default;
            attr.ProgFd = (uint)p.Fd;
            attr.AttachType = (uint)BpfAttachType.TraceUprobeMulti;
            attr.Path = (ulong)ppath;
            attr.Offsets = (ulong)poffsets;
            attr.RefCtrOffsets = refCtrOffsets.IsEmpty ? 0 : (ulong)prefs;
            attr.Cookies = cookies.IsEmpty ? 0 : (ulong)pcookies;
            attr.Count = (uint)offsets.Length;
            attr.UprobeFlags = retprobe ? 1u : 0u;
            attr.Pid = pid > 0 ? (uint)pid : 0;
            int r = Sys(BpfCommand.LinkCreate, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkCreate, -r, $"{program.Describe()} at {offsets.Length} offset(s) of {path} (uprobe_multi)", program.Name);
            return new BpfLinkFd(r, program.Name);
        }
    }
}
