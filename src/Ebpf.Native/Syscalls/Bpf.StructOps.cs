using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// BPF_LINK_CREATE for a struct_ops map made with BPF_F_LINK: the map's fd goes where a program's would
    /// (link_create.map_fd) and the attach type is BPF_STRUCT_OPS. The operations stay registered while the link lives.
    /// </summary>
    public static BpfLinkFd LinkCreateStructOps(BpfMapFd map)
    {
        using var m = new FdLease(map);
        LinkCreateAttr attr = default;
        attr.ProgFd = (uint)m.Fd;
        attr.AttachType = (uint)BpfAttachType.StructOps;
        int r = Sys(BpfCommand.LinkCreate, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkCreate, -r, $"{map.Describe()} at {BpfAttachType.StructOps}", map.Name);
        return new BpfLinkFd(r, map.Name);
    }
}
