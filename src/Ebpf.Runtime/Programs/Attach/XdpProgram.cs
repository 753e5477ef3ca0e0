using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An XDP program, ready to attach to a network interface with an XDP link (BPF_LINK_CREATE, attach type BPF_XDP).
/// The link detaches on Dispose, can be pinned, and swaps its program atomically with <see cref="BpfLink.Update"/>.
/// </summary>
public sealed class XdpProgram
{
    // XDP_FLAGS_* from linux/if_link.h: the link's flags.
    private const uint SkbMode = 1 << 1, DrvMode = 1 << 2, HwMode = 1 << 3;

    internal XdpProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>Attaches to the interface called <paramref name="interfaceName"/> in this thread's network namespace.</summary>
    public BpfLink Attach(string interfaceName, XdpMode mode = XdpMode.Default) => Attach(NetInterface.Get(interfaceName), mode);

    /// <summary>Attaches to the interface with index <paramref name="ifindex"/> in this thread's network namespace.</summary>
    public BpfLink Attach(int ifindex, XdpMode mode = XdpMode.Default) => Attach(NetInterface.Get(ifindex), mode);

    /// <summary>Attaches to <paramref name="networkInterface"/>, as .NET lists it.</summary>
    public BpfLink Attach(System.Net.NetworkInformation.NetworkInterface networkInterface, XdpMode mode = XdpMode.Default) =>
        Attach(NetInterface.Get(networkInterface), mode);

    /// <summary>Attaches to <paramref name="target"/> (in its namespace) in <paramref name="mode"/>.</summary>
    public BpfLink Attach(NetInterface target, XdpMode mode = XdpMode.Default)
    {
        ArgumentNullException.ThrowIfNull(target);
        uint flags = mode switch
        {
            XdpMode.Generic => SkbMode,
            XdpMode.Native => DrvMode,
            XdpMode.Offload => HwMode,
            XdpMode.Default => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "an XdpMode value"),
        };
        try
        {
            var fd = target.Run(() => BpfSyscall.LinkCreate(new LinkCreateRequest(Program.Fd, null, BpfAttachType.Xdp) { TargetIfindex = target.Index, Flags = flags }));
            return new BpfLink(fd, Program);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"program '{Program.Name}' could not attach to {target} as XDP in {mode.ToString().ToLowerInvariant()} mode: {Why(e, target, mode)}", e);
        }
    }

    private static string Why(BpfSyscallException e, NetInterface target, XdpMode mode)
    {
        var ip = target.Namespace is null ? "ip" : $"ip -n {target.Namespace.Name}";
        return (e.Errno, mode) switch
        {
            (_, XdpMode.Offload) when e.Errno == SyscallErrno.EINVAL || e.IsNotSupported =>
                $"{e.ErrnoName}: offload needs a NIC whose driver runs XDP in hardware (e.g. Netronome nfp, netdevsim) and a program loaded for that device; use XdpMode.Native or XdpMode.Generic instead",
            _ when e.IsNotSupported =>
                $"{e.ErrnoName}: the driver of '{target.Name}' does not support XDP in native mode; use XdpMode.Generic (works on every interface)",
            (SyscallErrno.EBUSY, _) =>
                $"EBUSY: '{target.Name}' already has an XDP program in this mode, attached by netlink (ip link, libbpf's bpf_xdp_attach) or by another link; " +
                $"remove a netlink one with `{ip} link set dev {target.Name} xdp off` (xdpgeneric off, xdpdrv off), or swap another link's program with BpfLink.Update",
            (SyscallErrno.EEXIST, _) =>
                $"EEXIST: '{target.Name}' already runs an XDP program in another mode (native and generic cannot both be active); detach it, or attach in its mode (see `{ip} link show dev {target.Name}`)",
            (SyscallErrno.EINVAL, _) =>
                $"EINVAL: the program was loaded for another XDP attach point (xdp/devmap, xdp/cpumap), is bound to another device, or the flags conflict. {e.Message}",
            _ => e.Message,
        };
    }
}
