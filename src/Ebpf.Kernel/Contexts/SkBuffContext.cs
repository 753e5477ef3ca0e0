using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>
/// The context of cgroup_skb, tc, socket filter, sk_skb, lwt and flow dissector programs: <c>struct __sk_buff</c>.
/// Packet bytes start at <c>skb->data</c>: the network header for cgroup_skb and socket filters, the Ethernet header for tc.
/// Properties are loads at <see cref="Offsets"/> (see <see cref="ContextFieldAttribute"/>); not every program type may read
/// every field (the verifier says which, e.g. the socket fields need a socket: cgroup_skb, sk_skb).
/// Build one for a test with <see cref="ForTest"/>.
/// </summary>
[KernelStruct("__sk_buff", 192)]
public sealed partial class SkBuffContext : BpfContext
{
    /// <summary>Offsets of the members of <c>struct __sk_buff</c> (include/uapi/linux/bpf.h), stable kernel ABI.</summary>
    public static class Offsets
    {
        public const int Len = 0, PktType = 4, Mark = 8, QueueMapping = 12, Protocol = 16, VlanPresent = 20, VlanTci = 24, VlanProto = 28;
        public const int Priority = 32, IngressIfIndex = 36, IfIndex = 40, TcIndex = 44, Cb = 48, Hash = 68, TcClassId = 72;
        public const int Data = 76, DataEnd = 80, NapiId = 84, Family = 88, RemoteIp4 = 92, LocalIp4 = 96, RemoteIp6 = 100, LocalIp6 = 116;
        public const int RemotePort = 132, LocalPort = 136, DataMeta = 140, FlowKeys = 144, Tstamp = 152, WireLen = 160, GsoSegs = 164;
        public const int Sk = 168, GsoSize = 176, TstampType = 180, Hwtstamp = 184;
        public const int Size = 192;
    }

    private byte[] _packet;

    private SkBuffContext(byte[] packet) : base(Offsets.Size) => _packet = packet;

    /// <summary>Bytes of the packet from <c>skb->data</c> (skb->len); what <see cref="TryLoad{T}"/> reads.</summary>
    [ContextField("len", Offsets.Len, 4)]
    public uint Length => U32(Offsets.Len);

    /// <summary>PACKET_HOST (0), PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING (4).</summary>
    [ContextField("pkt_type", Offsets.PktType, 4)]
    public uint PacketType => U32(Offsets.PktType);

    /// <summary>The packet's mark; writable in cgroup_skb and tc programs.</summary>
    [ContextField("mark", Offsets.Mark, 4, Writable = true)]
    public uint Mark { get => U32(Offsets.Mark); set => SetU32(Offsets.Mark, value); }

    [ContextField("queue_mapping", Offsets.QueueMapping, 4)]
    public uint QueueMapping => U32(Offsets.QueueMapping);

    /// <summary>The EtherType (skb->protocol), converted from network to host order.</summary>
    [ContextField("protocol", Offsets.Protocol, 4, Conversion = ContextFieldConversion.NetworkOrder16)]
    public EtherType Protocol => (EtherType)NetworkOrder16(Offsets.Protocol);

    [ContextField("vlan_present", Offsets.VlanPresent, 4, Conversion = ContextFieldConversion.Boolean)]
    public bool VlanPresent => U32(Offsets.VlanPresent) != 0;

    [ContextField("vlan_tci", Offsets.VlanTci, 4)]
    public uint VlanTci => U32(Offsets.VlanTci);

    [ContextField("vlan_proto", Offsets.VlanProto, 4, Conversion = ContextFieldConversion.NetworkOrder16)]
    public EtherType VlanProtocol => (EtherType)NetworkOrder16(Offsets.VlanProto);

    /// <summary>The queueing priority; writable in cgroup_skb and tc programs.</summary>
    [ContextField("priority", Offsets.Priority, 4, Writable = true)]
    public uint Priority { get => U32(Offsets.Priority); set => SetU32(Offsets.Priority, value); }

    [ContextField("ingress_ifindex", Offsets.IngressIfIndex, 4)]
    public uint IngressIfIndex => U32(Offsets.IngressIfIndex);

    /// <summary>The device the packet is on.</summary>
    [ContextField("ifindex", Offsets.IfIndex, 4)]
    public uint IfIndex => U32(Offsets.IfIndex);

    [ContextField("tc_index", Offsets.TcIndex, 4, Writable = true)]
    public uint TcIndex { get => U32(Offsets.TcIndex); set => SetU32(Offsets.TcIndex, value); }

    /// <summary>The 20-byte control block <c>cb[5]</c>, scratch space that survives tail calls; writable.</summary>
    [ContextField("cb[0]", Offsets.Cb, 4, Writable = true)]
    public uint Cb0 { get => U32(Offsets.Cb); set => SetU32(Offsets.Cb, value); }
    [ContextField("cb[1]", Offsets.Cb + 4, 4, Writable = true)]
    public uint Cb1 { get => U32(Offsets.Cb + 4); set => SetU32(Offsets.Cb + 4, value); }
    [ContextField("cb[2]", Offsets.Cb + 8, 4, Writable = true)]
    public uint Cb2 { get => U32(Offsets.Cb + 8); set => SetU32(Offsets.Cb + 8, value); }
    [ContextField("cb[3]", Offsets.Cb + 12, 4, Writable = true)]
    public uint Cb3 { get => U32(Offsets.Cb + 12); set => SetU32(Offsets.Cb + 12, value); }
    [ContextField("cb[4]", Offsets.Cb + 16, 4, Writable = true)]
    public uint Cb4 { get => U32(Offsets.Cb + 16); set => SetU32(Offsets.Cb + 16, value); }

    [ContextField("hash", Offsets.Hash, 4)]
    public uint Hash => U32(Offsets.Hash);

    [ContextField("tc_classid", Offsets.TcClassId, 4, Writable = true)]
    public uint TcClassId { get => U32(Offsets.TcClassId); set => SetU32(Offsets.TcClassId, value); }

    [ContextField("napi_id", Offsets.NapiId, 4)]
    public uint NapiId => U32(Offsets.NapiId);

    /// <summary>The socket's address family (AF_INET → InterNetwork, AF_INET6 → InterNetworkV6).</summary>
    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    /// <summary>The peer's IPv4 address, network byte order as the kernel holds it (compare with <see cref="Net.IPv4"/>).</summary>
    [ContextField("remote_ip4", Offsets.RemoteIp4, 4)]
    public uint RemoteIPv4 => U32(Offsets.RemoteIp4);

    [ContextField("local_ip4", Offsets.LocalIp4, 4)]
    public uint LocalIPv4 => U32(Offsets.LocalIp4);

    [ContextField("remote_ip6", Offsets.RemoteIp6, 16)]
    public IPv6Address RemoteIPv6 => Ip6(Offsets.RemoteIp6);

    [ContextField("local_ip6", Offsets.LocalIp6, 16)]
    public IPv6Address LocalIPv6 => Ip6(Offsets.LocalIp6);

    /// <summary>The peer's port in host order (443 is 443). The kernel keeps it network-order in the high half of the field.</summary>
    [ContextField("remote_port", Offsets.RemotePort, 4, Conversion = ContextFieldConversion.NetworkOrder16High)]
    public ushort RemotePort => NetworkOrder16High(Offsets.RemotePort);

    /// <summary>The local port in host order; the kernel keeps it so.</summary>
    [ContextField("local_port", Offsets.LocalPort, 4)]
    public ushort LocalPort => (ushort)U32(Offsets.LocalPort);

    /// <summary>Time stamp in ns; writable in tc.</summary>
    [ContextField("tstamp", Offsets.Tstamp, 8, Writable = true)]
    public ulong Timestamp { get => U64(Offsets.Tstamp); set => SetU64(Offsets.Tstamp, value); }

    [ContextField("wire_len", Offsets.WireLen, 4)]
    public uint WireLength => U32(Offsets.WireLen);

    [ContextField("gso_segs", Offsets.GsoSegs, 4)]
    public uint GsoSegments => U32(Offsets.GsoSegs);

    [ContextField("gso_size", Offsets.GsoSize, 4)]
    public uint GsoSize => U32(Offsets.GsoSize);

    [ContextField("hwtstamp", Offsets.Hwtstamp, 8)]
    public ulong HardwareTimestamp => U64(Offsets.Hwtstamp);

    /// <summary>
    /// Reads <c>sizeof(T)</c> packet bytes at <paramref name="offset"/> from <c>skb->data</c>, in memory order (so a ushort port
    /// read this way is network order: use <see cref="Net.ToHost16"/>). False, with <paramref name="value"/> zeroed, when any
    /// of the bytes is outside the packet, as bpf_skb_load_bytes does.
    /// </summary>
    [Intrinsic(IntrinsicKind.PacketLoad)]
    public bool TryLoad<T>(int offset, out T value) where T : unmanaged => TryRead(_packet, offset, out value);

    /// <summary>Writes <paramref name="value"/> into the packet (tc, lwt_xmit and sk_skb only; bpf_skb_store_bytes with no flags). False when out of bounds.</summary>
    [Intrinsic(IntrinsicKind.PacketStore)]
    public bool TryStore<T>(int offset, in T value) where T : unmanaged => TryWrite(_packet, offset, in value);

    /// <summary>Copies packet bytes at <paramref name="offset"/> into <paramref name="destination"/>: bpf_skb_load_bytes. 0, or -EFAULT (destination zeroed) when out of bounds.</summary>
    [Helper(26, "skb_load_bytes")]
    public int LoadBytes(int offset, Span<byte> destination)
    {
        if (offset < 0 || destination.Length == 0 || offset > _packet.Length - destination.Length)
        {
            destination.Clear();
            return -Errno.EFAULT;
        }
        _packet.AsSpan(offset, destination.Length).CopyTo(destination);
        return 0;
    }

    /// <summary>The socket's cookie, unique per socket for the boot (bpf_get_socket_cookie).</summary>
    [Helper(46, "get_socket_cookie")]
    public ulong GetSocketCookie() => _socketCookie;

    /// <summary>The owner uid of the packet's socket, or the overflow uid (65534) without one (bpf_get_socket_uid).</summary>
    [Helper(47, "get_socket_uid")]
    public uint GetSocketUid() => _socketUid;

    /// <summary>The id of the cgroup v2 of the packet's socket (bpf_skb_cgroup_id).</summary>
    [Helper(79, "skb_cgroup_id")]
    public ulong GetCgroupId() => _cgroupId;

    private ulong _socketCookie, _cgroupId;
    private uint _socketUid = 65534;

    /// <summary>The packet as it is now (after <see cref="TryStore{T}"/>), for assertions.</summary>
    [ManagedOnly]
    public ReadOnlySpan<byte> Packet => _packet;
}
