using Ebpf.Native;
using Ebpf.Native.Netlink;

namespace Ebpf;

/// <summary>
/// A sched_cls program attached the legacy way, through rtnetlink: a cls_bpf filter in direct-action mode (the
/// program's return value is the verdict: TC_ACT_OK, TC_ACT_SHOT, ...) on the ingress or egress hook of the
/// interface's clsact qdisc, which is created when absent. Unlike tcx links, the filter belongs to the interface:
/// it cannot be pinned, and the <see cref="TcAttachment"/> deletes it (and the qdisc, if this library created it
/// and nothing else uses it) on Dispose.
/// </summary>
public sealed class TcProgram
{
    internal TcProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>Attaches to the interface called <paramref name="interfaceName"/> in this thread's network namespace.</summary>
    /// <param name="priority">The filter's priority (lower runs first); 0 lets the kernel choose one.</param>
    /// <param name="handle">The filter's handle within its priority; 0 lets the kernel choose one.</param>
    /// <param name="interfaceName">The interface's name, e.g. "eth0".</param>
    /// <param name="direction">Ingress or egress.</param>
    public TcAttachment Attach(string interfaceName, TcDirection direction, ushort priority = 0, uint handle = 0) =>
        Attach(Resolve(() => NetInterface.Get(interfaceName), direction), direction, priority, handle);

    /// <summary>Attaches to the interface with index <paramref name="interfaceIndex"/> in this thread's network namespace.</summary>
    public TcAttachment Attach(int interfaceIndex, TcDirection direction, ushort priority = 0, uint handle = 0) =>
        Attach(Resolve(() => NetInterface.Get(interfaceIndex), direction), direction, priority, handle);

    /// <summary>Attaches to <paramref name="target"/>, in its network namespace.</summary>
    public TcAttachment Attach(NetInterface target, TcDirection direction, ushort priority = 0, uint handle = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (direction is not (TcDirection.Ingress or TcDirection.Egress))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "TcDirection.Ingress or TcDirection.Egress");
        var (socket, netns) = target.Run(() => (NetlinkRouteSocket.Open(), FileIdentity.Inode("/proc/thread-self/ns/net")));
        int index = (int)target.Index;
        string name = $"{Program.Name}:[{Program.Info.Id}]"; // as libbpf names its filters: tc filter show prints it
        try
        {
            bool created;
            TcFilterInfo filter;
            lock (ClsactOwnership.Lock)
            {
                created = ClsactOwnership.Ensure(socket, netns, index);
                try
                {
                    filter = socket.AddBpfFilter(index, NetlinkRouteSocket.ClsactParent(direction == TcDirection.Egress), priority, handle, Program.Fd, name);
                }
                catch (NetlinkException) when (created)
                {
                    ClsactOwnership.ReleaseIfUnused(socket, netns, index);
                    throw;
                }
            }
            return new TcAttachment(socket, netns, Program, target, direction, filter.Priority, filter.Handle, created);
        }
        catch (NetlinkException e)
        {
            socket.Dispose();
            throw new BpfException($"program '{Program.Name}' could not attach to {target} at tc {Lower(direction)}" +
                $"{(priority == 0 ? "" : $" priority {priority}")}{(handle == 0 ? "" : $" handle 0x{handle:x}")}: {e.Message}{Fix(e, target, direction, priority, handle)}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private NetInterface Resolve(Func<NetInterface> get, TcDirection direction)
    {
        try
        {
            return get();
        }
        catch (BpfException e)
        {
            throw new BpfException($"program '{Program.Name}' cannot attach at tc {Lower(direction)}: {e.Message}", e);
        }
    }

    private static string Fix(NetlinkException e, NetInterface target, TcDirection direction, ushort priority, uint handle)
    {
        var tc = target.Namespace is null ? "tc" : $"ip netns exec {target.Namespace.Path.Split('/')[^1]} tc";
        return e.Errno switch
        {
            SyscallErrno.EEXIST => $" A filter already exists at this priority and handle: choose another priority or handle, or remove it with " +
                $"`{tc} filter del dev {target.Name} {Lower(direction)} pref {priority} handle 0x{handle:x} bpf`.",
            SyscallErrno.EINVAL when priority != 0 => $" Another kind of filter or protocol may already use priority {priority} (see `{tc} filter show dev {target.Name} {Lower(direction)}`): choose another priority.",
            SyscallErrno.ENOENT or SyscallErrno.EINVAL when e.KernelMessage?.Contains("qdisc", StringComparison.OrdinalIgnoreCase) == true =>
                $" The interface has an ingress qdisc rather than clsact: remove it (`{tc} qdisc del dev {target.Name} ingress`) or attach with tcx.",
            _ => "",
        };
    }

    private static string Lower(TcDirection direction) => direction.ToString().ToLowerInvariant();
}
