namespace Ebpf.Kernel;

/// <summary>
/// The context of XDP programs: <c>struct xdp_md</c>. The packet is the bytes from <c>data</c> to <c>data_end</c>, from the
/// Ethernet header on. <c>data</c>/<c>data_end</c> are not exposed as properties: they are pointers the compiler handles in
/// <see cref="TryLoad{T}"/> (the bounds-check idiom) and <see cref="Length"/> (<c>data_end - data</c>).
/// </summary>
[KernelStruct("xdp_md", 24)]
public sealed class XdpContext : BpfContext
{
    public static class Offsets
    {
        public const int Data = 0, DataEnd = 4, DataMeta = 8, IngressIfIndex = 12, RxQueueIndex = 16, EgressIfIndex = 20;
        public const int Size = 24;
    }

    /// <summary>XDP_PACKET_HEADROOM: room in front of the packet that <see cref="AdjustHead"/> can grow into.</summary>
    public const int Headroom = 256;
    /// <summary>The managed buffer's room behind the packet for <see cref="AdjustTail"/>.</summary>
    public const int Tailroom = 256;
    private const int XdpFrameSize = 40, EthernetHeader = 14;

    private readonly byte[] _buffer;
    private int _start, _end;

    private XdpContext(ReadOnlySpan<byte> packet) : base(Offsets.Size)
    {
        _buffer = new byte[Headroom + packet.Length + Tailroom];
        _start = Headroom;
        _end = Headroom + packet.Length;
        packet.CopyTo(_buffer.AsSpan(_start));
    }

    /// <summary>A context over <paramref name="packet"/> (from the Ethernet header) received on <paramref name="ingressIfIndex"/>.</summary>
    [ManagedOnly]
    public static XdpContext ForTest(ReadOnlySpan<byte> packet, uint ingressIfIndex = 1, uint rxQueueIndex = 0, uint egressIfIndex = 0)
    {
        var ctx = new XdpContext(packet);
        ctx.SetU32(Offsets.IngressIfIndex, ingressIfIndex);
        ctx.SetU32(Offsets.RxQueueIndex, rxQueueIndex);
        ctx.SetU32(Offsets.EgressIfIndex, egressIfIndex);
        return ctx;
    }

    /// <summary>Bytes from data to data_end.</summary>
    [Intrinsic(IntrinsicKind.PacketLength)]
    public int Length => _end - _start;

    [ContextField("ingress_ifindex", Offsets.IngressIfIndex, 4)]
    public uint IngressIfIndex => U32(Offsets.IngressIfIndex);

    [ContextField("rx_queue_index", Offsets.RxQueueIndex, 4)]
    public uint RxQueueIndex => U32(Offsets.RxQueueIndex);

    /// <summary>The device a devmap program sends to (devmap programs only).</summary>
    [ContextField("egress_ifindex", Offsets.EgressIfIndex, 4)]
    public uint EgressIfIndex => U32(Offsets.EgressIfIndex);

    /// <summary>Reads packet bytes at <paramref name="offset"/> from data; false (value zeroed) when past data_end.</summary>
    [Intrinsic(IntrinsicKind.PacketLoad)]
    public bool TryLoad<T>(int offset, out T value) where T : unmanaged => TryRead(_buffer.AsSpan(_start, Length), offset, out value);

    /// <summary>Writes packet bytes at <paramref name="offset"/>; false when past data_end.</summary>
    [Intrinsic(IntrinsicKind.PacketStore)]
    public bool TryStore<T>(int offset, in T value) where T : unmanaged => TryWrite(_buffer.AsSpan(_start, Length), offset, in value);

    /// <summary>Moves data by <paramref name="delta"/> bytes (negative grows the packet at the front, for encapsulation): bpf_xdp_adjust_head. 0 or -EINVAL.</summary>
    [Helper(44, "xdp_adjust_head")]
    public int AdjustHead(int delta)
    {
        long start = (long)_start + delta;
        if (start < XdpFrameSize || start > _end - EthernetHeader) return -Errno.EINVAL;
        if (delta < 0) _buffer.AsSpan((int)start, -delta).Clear();
        _start = (int)start;
        return 0;
    }

    /// <summary>Moves data_end by <paramref name="delta"/> bytes: bpf_xdp_adjust_tail. 0 or -EINVAL.</summary>
    [Helper(65, "xdp_adjust_tail")]
    public int AdjustTail(int delta)
    {
        long end = (long)_end + delta;
        if (end < _start + EthernetHeader || end > _buffer.Length) return -Errno.EINVAL;
        if (delta > 0) _buffer.AsSpan(_end, delta).Clear();
        _end = (int)end;
        return 0;
    }

    /// <summary>The packet as it is now, for assertions.</summary>
    [ManagedOnly]
    public ReadOnlySpan<byte> Packet => _buffer.AsSpan(_start, _end - _start);
}
