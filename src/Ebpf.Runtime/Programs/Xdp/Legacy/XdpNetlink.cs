using Ebpf.Native;
using Ebpf.Native.Netlink;

namespace Ebpf;

/// <summary>
/// The legacy XDP attach through rtnetlink (IFLA_XDP in RTM_SETLINK), for where an XDP link is not possible: kernels
/// before 5.9, or an interface whose program was set by netlink (ip link, libbpf's bpf_xdp_attach) and must be
/// replaced in place. The program belongs to the interface, not to a descriptor: the attachment removes it on Dispose
/// (only if it is still the one attached), and it cannot be pinned.
/// </summary>
public static class XdpNetlink
{
    /// <summary>Attaches <paramref name="program"/> to <paramref name="target"/>; fails if the interface already runs an XDP program in that mode.</summary>
    public static XdpNetlinkAttachment Attach(BpfProgram program, NetInterface target, XdpMode mode = XdpMode.Default) =>
        Set(program, target, mode, replacing: null);

    /// <summary>
    /// Swaps <paramref name="current"/>, attached now in <paramref name="mode"/>, for <paramref name="program"/> in one step:
    /// every packet meets one or the other. Fails (naming the program found) if <paramref name="current"/> is not the one attached.
    /// </summary>
    public static XdpNetlinkAttachment Replace(BpfProgram program, NetInterface target, BpfProgram current, XdpMode mode = XdpMode.Default)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Set(program, target, mode, current);
    }

    /// <summary>What the interface runs: the attach mode and the program id per mode.</summary>
    public static XdpNetlinkState Query(NetInterface target)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var socket = target.Run(NetlinkRouteSocket.Open);
        return socket.QueryXdp((int)target.Index);
    }

    internal static XdpNetlinkFlags ModeFlags(XdpMode mode) => mode switch
    {
        XdpMode.Default => XdpNetlinkFlags.None,
        XdpMode.Generic => XdpNetlinkFlags.SkbMode,
        XdpMode.Native => XdpNetlinkFlags.DrvMode,
        XdpMode.Offload => XdpNetlinkFlags.HwMode,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "an XdpMode value"),
    };

    private static XdpNetlinkAttachment Set(BpfProgram program, NetInterface target, XdpMode mode, BpfProgram? replacing)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(target);
        if (program.Type != BpfProgramType.Xdp)
            throw ProgramKinds.WrongKind(program, "an XDP program", "XdpNetlink.Attach");
        var flags = ModeFlags(mode) | (replacing is null ? XdpNetlinkFlags.UpdateIfNoExist : XdpNetlinkFlags.Replace);
        var socket = target.Run(NetlinkRouteSocket.Open);
        try
        {
            socket.SetXdp((int)target.Index, program.Fd, flags, replacing?.Fd);
            return new XdpNetlinkAttachment(socket, program, target, mode);
        }
        catch (NetlinkException e)
        {
            socket.Dispose();
            throw Error(program, target, mode, replacing is null ? "attach" : "replace", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static BpfException Error(BpfProgram program, NetInterface target, XdpMode mode, string what, NetlinkException e)
    {
        var ip = target.Namespace is null ? "ip" : $"ip -n {target.Namespace.Path.Split('/')[^1]}";
        var fix = e.Errno switch
        {
            SyscallErrno.EBUSY => $" The interface already runs an XDP program in this mode: detach it (`{ip} link set dev {target.Name} xdp off`) or use XdpNetlink.Replace with the program attached now.",
            SyscallErrno.EEXIST => " The program attached now is not the one given as current (it was replaced or removed meanwhile); query it with XdpNetlink.Query.",
            _ when e.IsNotSupported && mode == XdpMode.Offload => " Offload needs a NIC that runs XDP in hardware and a program loaded for that device; use XdpMode.Native or XdpMode.Generic.",
            _ when e.IsNotSupported => $" The driver of '{target.Name}' has no native XDP: use XdpMode.Generic.",
            SyscallErrno.EINVAL when e.KernelMessage?.Contains("mode", StringComparison.OrdinalIgnoreCase) == true =>
                $" The interface runs XDP in another mode: detach that one first (`{ip} link set dev {target.Name} xdp off`) or use the same mode.",
            _ => "",
        };
        return new BpfException($"program '{program.Name}' could not {what} as XDP ({mode.ToString().ToLowerInvariant()} mode, netlink) on {target}: {e.Message}{fix}", e);
    }
}
