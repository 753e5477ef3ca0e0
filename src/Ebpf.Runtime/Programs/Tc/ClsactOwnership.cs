using Ebpf.Native;
using Ebpf.Native.Netlink;

namespace Ebpf;

/// <summary>
/// The clsact qdiscs this library created, by network namespace and interface index, so the last attachment to go
/// removes the qdisc only when the library made it and no filter (ours or anyone's) remains; a clsact that was
/// there before is never removed. One lock covers add-qdisc-then-filter and check-then-delete, so an attach cannot
/// slip its filter onto a qdisc that a concurrent Dispose is deleting.
/// </summary>
internal static class ClsactOwnership
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<(ulong Netns, int Index)> Created = [];

    public static Lock Lock => Gate;

    /// <summary>Adds a clsact qdisc unless one exists; true when this call created it. Call under <see cref="Lock"/>.</summary>
    public static bool Ensure(NetlinkRouteSocket socket, ulong netns, int index)
    {
        if (!socket.AddClsact(index))
            return false;
        Created.Add((netns, index));
        return true;
    }

    /// <summary>Forgets a qdisc created a moment ago whose filter could not be added, removing it if it is still empty.</summary>
    public static void ReleaseIfUnused(NetlinkRouteSocket socket, ulong netns, int index)
    {
        lock (Gate)
        {
            if (!Created.Contains((netns, index)))
                return;
            try
            {
                if (socket.ListFilters(index, NetlinkRouteSocket.ClsactParent(egress: false)).Count > 0
                    || socket.ListFilters(index, NetlinkRouteSocket.ClsactParent(egress: true)).Count > 0)
                    return;
                socket.DeleteClsact(index);
            }
            catch (NetlinkException e) when (e.Errno is SyscallErrno.ENODEV or SyscallErrno.ENOENT or SyscallErrno.EINVAL)
            {
                // The interface or the qdisc is gone already (its namespace was deleted, or someone removed it).
            }
            Created.Remove((netns, index));
        }
    }
}
