using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

/// <summary>Programs that see Ethernet frames and rewrite them: XDP writes directly, tc through bpf_skb_store_bytes.</summary>
[License("GPL")]
public sealed class L2Programs
{
    private const int Ethernet = 14;

    /// <summary>Drops IPv4 at TTL 1 or less, decrements the TTL of the rest, and bounces UDP to port 7 back (MACs swapped).</summary>
    [Xdp]
    public static XdpAction Bounce(XdpContext xdp)
    {
        if (xdp.Length < Ethernet + 20 || !xdp.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800))
            return XdpAction.Pass;
        if (!xdp.TryLoad(Ethernet, out IPv4Header ip))
            return XdpAction.Pass;
        if (ip.Ttl <= 1)
            return XdpAction.Drop;
        xdp.TryStore(Ethernet + 8, (byte)(ip.Ttl - 1));
        if (ip.Protocol == IpProtocol.Udp && xdp.TryLoad(Ethernet + ip.HeaderLength, out UdpHeader udp) && Net.ToHost16(udp.DestinationPort) == 7)
        {
            xdp.TryLoad(0, out uint destination0);
            xdp.TryLoad(4, out ushort destination1);
            xdp.TryLoad(6, out uint source0);
            xdp.TryLoad(10, out ushort source1);
            xdp.TryStore(0, source0);
            xdp.TryStore(4, source1);
            xdp.TryStore(6, destination0);
            xdp.TryStore(10, destination1);
            return ip.Ttl > 64 ? XdpAction.Tx : XdpAction.Pass; // reads the copy taken before the TTL was written
        }
        return XdpAction.Pass;
    }

    /// <summary>Marks IPv4 TCP with DSCP AF11 (TOS 0x28) and drops IPv4 whose header claims fewer than 20 bytes.</summary>
    [TcClassifier]
    public static TcAction Mark(SkBuffContext skb)
    {
        if (!skb.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800) || !skb.TryLoad(Ethernet, out IPv4Header ip))
            return TcAction.Ok;
        if (ip.HeaderLength < 20)
            return TcAction.Shot;
        if (ip.Protocol == IpProtocol.Tcp && !skb.TryStore(Ethernet + 1, (byte)0x28))
            return TcAction.Shot;
        return TcAction.Ok;
    }
}
