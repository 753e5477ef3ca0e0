using Ebpf.Native;
using Ebpf.Native.Netlink;

namespace Ebpf;

/// <summary>
/// An XDP program set on an interface through netlink. Dispose removes it only if it is still the program attached
/// (IFLA_XDP_EXPECTED_FD with XDP_FLAGS_REPLACE), so a program someone attached meanwhile is left alone.
/// </summary>
public sealed class XdpNetlinkAttachment : BpfAttachment
{
    private readonly NetlinkRouteSocket _socket; // opened in the interface's namespace
    private readonly Lock _lock = new();
    private BpfProgram _program;
    private BpfProgramFd _programFd; // our own descriptor: the expected program at Dispose, even after the caller disposed theirs
    private bool _disposed;

    internal XdpNetlinkAttachment(NetlinkRouteSocket socket, BpfProgram program, NetInterface target, XdpMode mode)
    {
        _socket = socket;
        _program = program;
        _programFd = (BpfProgramFd)program.Fd.Duplicate();
        Interface = target;
        Mode = mode;
    }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>The interface the program is on.</summary>
    public NetInterface Interface { get; }

    /// <summary>The mode it was attached in (generic, driver or offload).</summary>
    public XdpMode Mode { get; }

    /// <summary>Swaps in <paramref name="program"/> atomically, provided the interface still runs this attachment's program.</summary>
    public void Update(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _socket.SetXdp((int)Interface.Index, program.Fd, XdpNetlink.ModeFlags(Mode) | XdpNetlinkFlags.Replace, _programFd);
            }
            catch (NetlinkException e)
            {
                throw XdpNetlink.Error(program, Interface, Mode, $"replace '{_program.Name}'", e);
            }
            var old = _programFd;
            _programFd = (BpfProgramFd)program.Fd.Duplicate();
            _program = program;
            old.Dispose();
        }
    }

    /// <summary>Removes the program from the interface, provided it still runs this attachment's program.</summary>
    public override void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            try
            {
                _socket.SetXdp((int)Interface.Index, null, XdpNetlink.ModeFlags(Mode) | XdpNetlinkFlags.Replace, _programFd);
            }
            catch (NetlinkException e) when (e.Errno is SyscallErrno.EEXIST or SyscallErrno.ENODEV or SyscallErrno.ENOENT)
            {
                // Another program replaced ours (not ours to remove), or the interface is gone with its namespace.
            }
            catch (NetlinkException e)
            {
                throw new BpfException($"program '{_program.Name}' could not be detached (XDP, netlink) from {Interface}: {e.Message}", e);
            }
            finally
            {
                _programFd.Dispose();
                _socket.Dispose();
            }
        }
    }
}
