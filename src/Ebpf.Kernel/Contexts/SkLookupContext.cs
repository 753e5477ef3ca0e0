using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// The context of sk_lookup programs: <c>struct bpf_sk_lookup</c>, a connection (TCP) or datagram (UDP) arriving in a network
/// namespace before the kernel looks for its socket. The program may pick the socket with <see cref="Assign"/>, taking one
/// from a <see cref="SockMap"/> (<see cref="SockMap.Lookup"/>, then <see cref="SockMap.Release"/>).
/// </summary>
[KernelStruct("bpf_sk_lookup", 72)]
public sealed class SkLookupContext : BpfContext
{
    public static class Offsets
    {
        public const int Sk = 0, Family = 8, Protocol = 12, RemoteIp4 = 16, RemoteIp6 = 20, RemotePort = 36, LocalIp4 = 40, LocalIp6 = 44;
        public const int LocalPort = 60, IngressIfIndex = 64;
        public const int Size = 72;
    }

    private const int EProtoType = 91;

    private SkLookupContext() : base(Offsets.Size) { }

    /// <summary>A lookup for a packet from <paramref name="remote"/> to <paramref name="local"/> (ports in host order; protocol 6 TCP, 17 UDP).</summary>
    [ManagedOnly]
    public static SkLookupContext ForTest(string remote, ushort remotePort, string local, ushort localPort, int protocol = IpProtocol.Tcp, uint ingressIfIndex = 1)
    {
        var ctx = new SkLookupContext();
        ctx.SetAddresses(remote, local, Offsets.Family, Offsets.RemoteIp4, Offsets.LocalIp4, Offsets.RemoteIp6, Offsets.LocalIp6);
        ctx.SetU32(Offsets.Protocol, (uint)protocol);
        ctx.SetNetworkOrder16(Offsets.RemotePort, remotePort);
        ctx.SetU32(Offsets.LocalPort, localPort);
        ctx.SetU32(Offsets.IngressIfIndex, ingressIfIndex);
        return ctx;
    }

    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    /// <summary>IPPROTO_TCP (6) or IPPROTO_UDP (17).</summary>
    [ContextField("protocol", Offsets.Protocol, 4)]
    public uint Protocol => U32(Offsets.Protocol);

    [ContextField("remote_ip4", Offsets.RemoteIp4, 4)]
    public uint RemoteIPv4 => U32(Offsets.RemoteIp4);

    [ContextField("remote_ip6", Offsets.RemoteIp6, 16)]
    public IPv6Address RemoteIPv6 => Ip6(Offsets.RemoteIp6);

    /// <summary>Host order; the kernel holds it as a __be16.</summary>
    [ContextField("remote_port", Offsets.RemotePort, 2, Conversion = ContextFieldConversion.NetworkOrder16)]
    public ushort RemotePort => NetworkOrder16(Offsets.RemotePort);

    [ContextField("local_ip4", Offsets.LocalIp4, 4)]
    public uint LocalIPv4 => U32(Offsets.LocalIp4);

    [ContextField("local_ip6", Offsets.LocalIp6, 16)]
    public IPv6Address LocalIPv6 => Ip6(Offsets.LocalIp6);

    /// <summary>The port the packet is for, in host order.</summary>
    [ContextField("local_port", Offsets.LocalPort, 4)]
    public ushort LocalPort => (ushort)U32(Offsets.LocalPort);

    [ContextField("ingress_ifindex", Offsets.IngressIfIndex, 4)]
    public uint IngressIfIndex => U32(Offsets.IngressIfIndex);

    /// <summary>
    /// Makes <paramref name="socket"/> (from <see cref="SockMap.Lookup"/>, checked with Unsafe.IsNullRef) the one the packet
    /// goes to: bpf_sk_assign. 0, or a negative errno (-EAFNOSUPPORT, -EPROTOTYPE, -ESOCKTNOSUPPORT: a socket of another
    /// family, protocol or state; -EEXIST: one was assigned already, see <see cref="SkLookupFlags.Replace"/>).
    /// </summary>
    [Helper(124, "sk_assign")]
    public int Assign(ref BpfSocket socket, SkLookupFlags flags = SkLookupFlags.None)
    {
        if (Unsafe.IsNullRef(ref socket)) return 0; // the kernel's NULL: no socket, the lookup fails
        if (Assigned is not null && (flags & SkLookupFlags.Replace) == 0) return -Errno.EEXIST;
        if (socket.Protocol != Protocol) return -EProtoType;
        Assigned = socket;
        return 0;
    }

    /// <summary>The socket the last successful <see cref="Assign"/> chose (managed only).</summary>
    [ManagedOnly]
    public BpfSocket? Assigned { get; private set; }
}

/// <summary>The flags of bpf_sk_assign in sk_lookup programs.</summary>
[Flags]
public enum SkLookupFlags : ulong
{
    None = 0,
    /// <summary>BPF_SK_LOOKUP_F_REPLACE: replace a socket an earlier program assigned.</summary>
    Replace = 1,
    /// <summary>BPF_SK_LOOKUP_F_NO_REUSEPORT: skip the socket's reuseport group.</summary>
    NoReuseport = 2,
}

/// <summary>
/// <c>struct bpf_sock</c>: a socket a program holds (from <see cref="SockMap.Lookup"/>), read-only; the layout is the kernel's.
/// </summary>
public struct BpfSocket
{
    public uint BoundDevIf;
    public uint Family;
    public uint Type;
    public uint Protocol;
    public uint Mark;
    public uint Priority;
    public uint SourceIPv4;
    public IPv6Address SourceIPv6;
    /// <summary>Host order.</summary>
    public uint SourcePort;
    /// <summary>Network order in the low 16 bits.</summary>
    public uint DestinationPort;
    public uint DestinationIPv4;
    public IPv6Address DestinationIPv6;
    public uint State;
    public int RxQueueMapping;
}
