using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>The context of cgroup_sock programs (socket create/release, post_bind): <c>struct bpf_sock</c>.</summary>
[KernelStruct("bpf_sock", 80)]
public sealed class CgroupSockContext : BpfContext
{
    public static class Offsets
    {
        public const int BoundDevIf = 0, Family = 4, Type = 8, Protocol = 12, Mark = 16, Priority = 20, SrcIp4 = 24, SrcIp6 = 28;
        public const int SrcPort = 44, DstPort = 48, DstIp4 = 52, DstIp6 = 56, State = 72, RxQueueMapping = 76;
        public const int Size = 80;
    }

    private CgroupSockContext() : base(Offsets.Size) { }

    /// <summary>A socket of <paramref name="family"/> and <paramref name="type"/>; <paramref name="source"/> and <paramref name="sourcePort"/> for post_bind.</summary>
    [ManagedOnly]
    public static CgroupSockContext ForTest(AddressFamily family, SocketType type, ProtocolType protocol = ProtocolType.Unspecified,
        string? source = null, ushort sourcePort = 0, uint mark = 0, uint priority = 0, uint boundDeviceIndex = 0)
    {
        var ctx = new CgroupSockContext();
        ctx.SetU32(Offsets.Family, Net.ToKernelFamily(family));
        ctx.SetU32(Offsets.Type, (uint)type);
        if (protocol == ProtocolType.Unspecified) protocol = type == SocketType.Dgram ? ProtocolType.Udp : ProtocolType.Tcp;
        ctx.SetU32(Offsets.Protocol, (uint)protocol);
        ctx.SetU32(Offsets.Mark, mark);
        ctx.SetU32(Offsets.Priority, priority);
        ctx.SetU32(Offsets.BoundDevIf, boundDeviceIndex);
        if (source is not null)
        {
            if (source.Contains(':')) ctx.SetIp6(Offsets.SrcIp6, Net.IPv6(source));
            else ctx.SetU32(Offsets.SrcIp4, Net.IPv4(source));
        }
        ctx.SetU32(Offsets.SrcPort, sourcePort);
        return ctx;
    }

    /// <summary>The device the socket is bound to; writable at socket creation.</summary>
    [ContextField("bound_dev_if", Offsets.BoundDevIf, 4, Writable = true)]
    public uint BoundDeviceIndex { get => U32(Offsets.BoundDevIf); set => SetU32(Offsets.BoundDevIf, value); }

    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    [ContextField("type", Offsets.Type, 4)]
    public SocketType SocketType => (SocketType)U32(Offsets.Type);

    [ContextField("protocol", Offsets.Protocol, 4)]
    public ProtocolType Protocol => (ProtocolType)U32(Offsets.Protocol);

    /// <summary>Writable at socket creation.</summary>
    [ContextField("mark", Offsets.Mark, 4, Writable = true)]
    public uint Mark { get => U32(Offsets.Mark); set => SetU32(Offsets.Mark, value); }

    /// <summary>Writable at socket creation.</summary>
    [ContextField("priority", Offsets.Priority, 4, Writable = true)]
    public uint Priority { get => U32(Offsets.Priority); set => SetU32(Offsets.Priority, value); }

    [ContextField("src_ip4", Offsets.SrcIp4, 4)]
    public uint SourceIPv4 => U32(Offsets.SrcIp4);

    [ContextField("src_ip6", Offsets.SrcIp6, 16)]
    public IPv6Address SourceIPv6 => Ip6(Offsets.SrcIp6);

    /// <summary>Host order, as the kernel keeps it.</summary>
    [ContextField("src_port", Offsets.SrcPort, 4)]
    public ushort SourcePort => (ushort)U32(Offsets.SrcPort);

    /// <summary>Host order; the kernel keeps a __be16 here.</summary>
    [ContextField("dst_port", Offsets.DstPort, 2, Conversion = ContextFieldConversion.NetworkOrder16)]
    public ushort DestinationPort => NetworkOrder16(Offsets.DstPort);

    [ContextField("dst_ip4", Offsets.DstIp4, 4)]
    public uint DestinationIPv4 => U32(Offsets.DstIp4);

    [ContextField("dst_ip6", Offsets.DstIp6, 16)]
    public IPv6Address DestinationIPv6 => Ip6(Offsets.DstIp6);

    [ContextField("state", Offsets.State, 4)]
    public uint State => U32(Offsets.State);
}
