using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>
/// Legacy tc (cls_bpf, direct action): drops UDP to <see cref="DropPort"/> and counts UDP to 192.0.2.0/24, passed
/// (<see cref="Counts"/>[0]) and dropped ([1]), so tests can check both against what was sent.
/// </summary>
[License("GPL")]
public static class TcUdpDrop
{
    public const int PassPort = 4041, DropPort = 4040;

    [Map] public static readonly ArrayMap<ulong> Counts = new(maxEntries: 2);

    [TcClassifier]
    public static TcAction TcDropUdp(SkBuffContext skb)
    {
        if (!TestUdp.Port(skb, out var port))
            return TcAction.Ok;
        if (port == DropPort)
        {
            Counts.Add(1, 1);
            return TcAction.Shot;
        }
        Counts.Add(0, 1);
        return TcAction.Ok;
    }
}

/// <summary>The destination port of an IPv4 UDP datagram to the labs' 192.0.2.0/24, from the Ethernet header on.</summary>
internal static class TestUdp
{
    private const int Ethernet = 14;

    public static bool Port(SkBuffContext skb, out int port)
    {
        port = 0;
        if (!skb.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800) || !skb.TryLoad(Ethernet, out IPv4Header ip))
            return false;
        if (ip.Protocol != IpProtocol.Udp || (Net.ToHost32(ip.Destination) & 0xffffff00) != 0xc0000200)
            return false;
        if (!skb.TryLoad(Ethernet + ip.HeaderLength, out UdpHeader udp))
            return false;
        port = Net.ToHost16(udp.DestinationPort);
        return true;
    }

    public static bool Port(XdpContext xdp, out int port)
    {
        port = 0;
        if (!xdp.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800) || !xdp.TryLoad(Ethernet, out IPv4Header ip))
            return false;
        if (ip.Protocol != IpProtocol.Udp || (Net.ToHost32(ip.Destination) & 0xffffff00) != 0xc0000200)
            return false;
        if (!xdp.TryLoad(Ethernet + ip.HeaderLength, out UdpHeader udp))
            return false;
        port = Net.ToHost16(udp.DestinationPort);
        return true;
    }
}

/// <summary>
/// XDP for the legacy netlink attach: <see cref="DropUdp"/> drops UDP to <see cref="TcUdpDrop.DropPort"/> and counts passed
/// ([0]) and dropped ([1]) UDP to 192.0.2.0/24; <see cref="PassAll"/> counts it ([2]) without dropping, to be swapped in.
/// </summary>
[License("GPL")]
public static class XdpUdpDrop
{
    [Map] public static readonly ArrayMap<ulong> Counts = new(maxEntries: 3);

    [Xdp]
    public static XdpAction DropUdp(XdpContext xdp)
    {
        if (!TestUdp.Port(xdp, out var port))
            return XdpAction.Pass;
        if (port == TcUdpDrop.DropPort)
        {
            Counts.Add(1, 1);
            return XdpAction.Drop;
        }
        Counts.Add(0, 1);
        return XdpAction.Pass;
    }

    [Xdp]
    public static XdpAction PassAll(XdpContext xdp)
    {
        if (TestUdp.Port(xdp, out _))
            Counts.Add(2, 1);
        return XdpAction.Pass;
    }
}
