using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// BPF_PROG_QUERY on a network interface (tcx, netkit): the programs at one hook in the order they run, the link
    /// holding each (0 for none) and the hook's revision, which an attach can require with expected_revision.
    /// Interface indexes are resolved in the calling thread's network namespace.
    /// </summary>
    public static BpfDeviceQueryResult QueryDevice(uint ifindex, BpfAttachType attachType)
    {
        uint[] ids = new uint[64], links = new uint[64];
        while (true)
        {
            fixed (uint* pids = ids)
            fixed (uint* plinks = links)
            {
                ProgQueryAttr attr = default;
                attr.TargetFd = ifindex;
                attr.AttachType = (uint)attachType;
                attr.ProgIds = (ulong)pids;
                attr.LinkIds = (ulong)plinks;
                attr.ProgCnt = (uint)ids.Length;
                int r = Sys(BpfCommand.ProgQuery, &attr);
                if (r == -SyscallErrno.ENOSPC && attr.ProgCnt > ids.Length) { ids = new uint[attr.ProgCnt]; links = new uint[attr.ProgCnt]; continue; }
                if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ProgQuery, -r, $"interface {ifindex} at {attachType}");
                int n = (int)attr.ProgCnt;
                return new BpfDeviceQueryResult(ids.AsSpan(0, n).ToArray(), links.AsSpan(0, n).ToArray(), attr.Revision);
            }
        }
    }
}

/// <summary>What BPF_PROG_QUERY reported for an interface's hook: programs in run order, their links (0: none), the revision.</summary>
public sealed record BpfDeviceQueryResult(IReadOnlyList<uint> ProgramIds, IReadOnlyList<uint> LinkIds, ulong Revision);
