using Ebpf.Native;
using Ebpf.Native.Netlink;

namespace Ebpf;

/// <summary>
/// A cls_bpf filter on an interface's clsact hook. Dispose deletes the filter, then the clsact qdisc if this library
/// created it and no filter remains on either hook. Legacy tc filters have no link object, so they cannot be pinned:
/// the filter stays until this attachment is disposed (or, if the process dies first, until someone deletes it
/// with <c>tc filter del</c>).
/// </summary>
public sealed class TcAttachment : BpfAttachment
{
    private readonly NetlinkRouteSocket _socket; // opened in the interface's namespace, so Dispose works from any thread
    private readonly ulong _netns;
    private readonly Lock _lock = new();
    private bool _disposed;

    internal TcAttachment(NetlinkRouteSocket socket, ulong netns, BpfProgram program, NetInterface target, TcDirection direction,
        ushort priority, uint handle, bool createdQdisc)
    {
        _socket = socket;
        _netns = netns;
        Program = program;
        Interface = target;
        Direction = direction;
        Priority = priority;
        Handle = handle;
        CreatedQdisc = createdQdisc;
    }

    /// <inheritdoc/>
    public override BpfProgram Program { get; }

    /// <summary>The interface the filter is on.</summary>
    public NetInterface Interface { get; }

    /// <summary>The clsact hook the filter is on.</summary>
    public TcDirection Direction { get; }

    /// <summary>The filter's priority, as given or as the kernel chose it.</summary>
    public ushort Priority { get; }

    /// <summary>The filter's handle, as given or as the kernel chose it.</summary>
    public uint Handle { get; }

    /// <summary>True when attaching created the interface's clsact qdisc (it had none).</summary>
    public bool CreatedQdisc { get; }

    /// <summary>Deletes the filter, and the clsact qdisc if attaching created it and no other filter remains.</summary>
    public override void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        int index = (int)Interface.Index;
        try
        {
            lock (ClsactOwnership.Lock)
            {
                try
                {
                    _socket.DeleteFilter(index, NetlinkRouteSocket.ClsactParent(Direction == TcDirection.Egress), Priority, Handle);
                }
                catch (NetlinkException e) when (e.Errno is SyscallErrno.ENOENT or SyscallErrno.ENODEV or SyscallErrno.EINVAL)
                {
                    // Gone already: deleted by someone else, or with its qdisc or interface (a deleted namespace).
                }
                ClsactOwnership.ReleaseIfUnused(_socket, _netns, index);
            }
        }
        catch (NetlinkException e)
        {
            throw new BpfException($"program '{Program.Name}' could not be detached from {Interface} at tc {Direction.ToString().ToLowerInvariant()} " +
                $"priority {Priority} handle 0x{Handle:x}: {e.Message}", e);
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>The program, interface, hook, priority and handle, for messages.</summary>
    public override string ToString() =>
        $"program '{Program.Name}' on {Interface} at tc {Direction.ToString().ToLowerInvariant()} priority {Priority} handle 0x{Handle:x}";
}
