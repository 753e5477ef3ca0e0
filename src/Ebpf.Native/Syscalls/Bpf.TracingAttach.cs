using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// BPF_RAW_TRACEPOINT_OPEN: attaches a raw_tracepoint program to the tracepoint <paramref name="name"/>, or, with a
    /// null name, a BTF-attached program (tp_btf, fentry, fexit, fmod_ret, lsm) where its attach_btf_id points.
    /// </summary>
    public static BpfLinkFd RawTracepointOpen(BpfProgramFd program, string? name, ulong cookie = 0)
    {
        using var p = new FdLease(program);
        var bytes = name is null ? null : Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* pname = bytes)
        {
            RawTracepointOpenAttr attr = default;
            attr.Name = (ulong)pname;
            attr.ProgFd = (uint)p.Fd;
            attr.Cookie = cookie;
            int r = Sys(BpfCommand.RawTracepointOpen, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.RawTracepointOpen, -r, $"{program.Describe()} at {(name is null ? "its BTF target" : $"raw tracepoint '{name}'")}", program.Name);
            return new BpfLinkFd(r, program.Name);
        }
    }

    /// <summary>BPF_LINK_CREATE with attach type BPF_PERF_EVENT: a link holding the perf event (which may then be closed) and the program.</summary>
    public static BpfLinkFd LinkCreatePerfEvent(BpfProgramFd program, PerfEventFd perfEvent, ulong cookie = 0)
    {
        using var p = new FdLease(program);
        using var e = new FdLease(perfEvent);
        PerfEventLinkAttr attr = default;
        attr.ProgFd = (uint)p.Fd;
        attr.TargetFd = (uint)e.Fd;
        attr.AttachType = (uint)BpfAttachType.PerfEvent;
        attr.BpfCookie = cookie;
        int r = Sys(BpfCommand.LinkCreate, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkCreate, -r, $"{program.Describe()} at a perf event of CPU {perfEvent.Cpu}", program.Name);
        return new BpfLinkFd(r, program.Name);
    }

    /// <summary>
    /// BPF_LINK_CREATE with attach type BPF_TRACE_KPROBE_MULTI: one link probing every function named in
    /// <paramref name="symbols"/> (or at <paramref name="addresses"/>), return probes when <paramref name="retprobe"/>.
    /// </summary>
    public static BpfLinkFd LinkCreateKprobeMulti(BpfProgramFd program, IReadOnlyList<string>? symbols, IReadOnlyList<ulong>? addresses,
        IReadOnlyList<ulong>? cookies, bool retprobe)
    {
        int count = symbols?.Count ?? addresses?.Count ?? 0;
        if (count == 0) throw new ArgumentException("kprobe_multi needs at least one symbol or address");
        if (cookies is not null && cookies.Count != count) throw new ArgumentException($"kprobe_multi: {cookies.Count} cookies for {count} functions");
        using var p = new FdLease(program);
        // The names must stay put while the kernel reads them: one pinned block of C strings and a pointer array into it.
        var names = symbols is null ? null : symbols.Select(s => GCHandle.Alloc(Encoding.UTF8.GetBytes(s + "\0"), GCHandleType.Pinned)).ToArray();
        try
        {
            var pointers = names?.Select(h => (ulong)h.AddrOfPinnedObject()).ToArray();
            var addrs = addresses?.ToArray();
            var cookieArray = cookies?.ToArray();
            fixed (ulong* psyms = pointers)
            fixed (ulong* paddrs = addrs)
            fixed (ulong* pcookies = cookieArray)
            {
                KprobeMultiLinkAttr attr = default;
                attr.ProgFd = (uint)p.Fd;
                attr.AttachType = (uint)BpfAttachType.TraceKprobeMulti;
                attr.KprobeFlags = retprobe ? 1u : 0u;
                attr.Count = (uint)count;
                attr.Symbols = (ulong)psyms;
                attr.Addresses = (ulong)paddrs;
                attr.Cookies = (ulong)pcookies;
                int r = Sys(BpfCommand.LinkCreate, &attr);
                if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkCreate, -r, $"{program.Describe()} at {count} kernel function(s) (kprobe_multi)", program.Name);
                return new BpfLinkFd(r, program.Name);
            }
        }
        finally
        {
            if (names is not null)
                foreach (var h in names) h.Free();
        }
    }
}
