using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>BPF_ITER_CREATE: a new run of the iterator behind <paramref name="link"/> (an iter link), read as a file.</summary>
    public static BpfIterFd IterCreate(BpfLinkFd link)
    {
        using var l = new FdLease(link);
        IterCreateAttr attr = default;
        attr.LinkFd = (uint)l.Fd;
        int r = Sys(BpfCommand.IterCreate, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.IterCreate, -r, link);
        return new BpfIterFd(r, link.Name);
    }
}
