using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>
/// The context of cgroup_sock_addr programs (bind, connect, sendmsg, ...): <c>struct bpf_sock_addr</c>. The user_* fields are
/// the address the process passed, and a program may rewrite them (connect4 redirecting to another port, for instance).
/// </summary>
[KernelStruct("bpf_sock_addr", 72)]
public sealed class BpfSockAddrContext : BpfContext
{
    public static class Offsets
    {
        public const int UserFamily = 0, UserIp4 = 4, UserIp6 = 8, UserPort = 24, Family = 28, Type = 32, Protocol = 36;
        public const int MsgSrcIp4 = 40, MsgSrcIp6 = 44, Sk = 64;
        public const int Size = 72;
    }

    private BpfSockAddrContext() : base(Offsets.Size) { }

    /// <summary>
    /// A context for a call on a socket of <paramref name="family"/> (inferred from <paramref name="address"/> when null) with the
    /// user's <paramref name="address"/> and <paramref name="port"/> (host order).
    /// </summary>
    [ManagedOnly]
    public static BpfSockAddrContext ForTest(string address, ushort port, SocketType type = SocketType.Stream,
        ProtocolType protocol = ProtocolType.Unspecified, AddressFamily? family = null, string? messageSource = null)
    {
        var ctx = new BpfSockAddrContext();
        bool v6 = address.Contains(':');
        uint af = Net.ToKernelFamily(family ?? (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork));
        ctx.SetU32(Offsets.UserFamily, af);
        ctx.SetU32(Offsets.Family, af);
        if (v6) ctx.SetIp6(Offsets.UserIp6, Net.IPv6(address));
        else ctx.SetU32(Offsets.UserIp4, Net.IPv4(address));
        ctx.SetNetworkOrder16(Offsets.UserPort, port);
        ctx.SetU32(Offsets.Type, (uint)type);
        if (protocol == ProtocolType.Unspecified) protocol = type == SocketType.Dgram ? ProtocolType.Udp : ProtocolType.Tcp;
        ctx.SetU32(Offsets.Protocol, (uint)protocol);
        if (messageSource is not null)
        {
            if (messageSource.Contains(':')) ctx.SetIp6(Offsets.MsgSrcIp6, Net.IPv6(messageSource));
            else ctx.SetU32(Offsets.MsgSrcIp4, Net.IPv4(messageSource));
        }
        return ctx;
    }

    [ContextField("user_family", Offsets.UserFamily, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily UserFamily => Net.ToAddressFamily(U32(Offsets.UserFamily));

    /// <summary>The IPv4 address the process passed, network order as the kernel holds it; writable (bind4, connect4, sendmsg4, recvmsg4...).</summary>
    [ContextField("user_ip4", Offsets.UserIp4, 4, Writable = true)]
    public uint UserIPv4 { get => U32(Offsets.UserIp4); set => SetU32(Offsets.UserIp4, value); }

    [ContextField("user_ip6", Offsets.UserIp6, 16, Writable = true)]
    public IPv6Address UserIPv6 { get => Ip6(Offsets.UserIp6); set => SetIp6(Offsets.UserIp6, value); }

    /// <summary>The port the process passed, host order (the kernel keeps it network-order); writable.</summary>
    [ContextField("user_port", Offsets.UserPort, 4, Writable = true, Conversion = ContextFieldConversion.NetworkOrder16)]
    public ushort UserPort { get => NetworkOrder16(Offsets.UserPort); set => SetNetworkOrder16(Offsets.UserPort, value); }

    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    /// <summary>SOCK_STREAM, SOCK_DGRAM, ...: Linux and .NET agree on these values.</summary>
    [ContextField("type", Offsets.Type, 4)]
    public SocketType SocketType => (SocketType)U32(Offsets.Type);

    /// <summary>IPPROTO_TCP, IPPROTO_UDP, ...: Linux and .NET agree on these values.</summary>
    [ContextField("protocol", Offsets.Protocol, 4)]
    public ProtocolType Protocol => (ProtocolType)U32(Offsets.Protocol);

    /// <summary>The source address of a UDP sendmsg4; writable there.</summary>
    [ContextField("msg_src_ip4", Offsets.MsgSrcIp4, 4, Writable = true)]
    public uint MessageSourceIPv4 { get => U32(Offsets.MsgSrcIp4); set => SetU32(Offsets.MsgSrcIp4, value); }

    [ContextField("msg_src_ip6", Offsets.MsgSrcIp6, 16, Writable = true)]
    public IPv6Address MessageSourceIPv6 { get => Ip6(Offsets.MsgSrcIp6); set => SetIp6(Offsets.MsgSrcIp6, value); }
}
