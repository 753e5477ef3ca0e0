using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>Counts IPv4 ICMP (index 0), drops UDP to <see cref="DroppedPort"/> (counted at 1) and counts other UDP (2).</summary>
[License("GPL")]
public static class XdpFilter
{
    public const int DroppedPort = 4009;
    private const int Ethernet = 14;

    [Map] public static readonly ArrayMap<ulong> Counts = new(maxEntries: 3);

    [Xdp]
    public static XdpAction Filter(XdpContext xdp)
    {
        if (!xdp.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800) || !xdp.TryLoad(Ethernet, out IPv4Header ip))
            return XdpAction.Pass;
        if (ip.Protocol == IpProtocol.Icmp)
        {
            Counts.Add(0, 1);
            return XdpAction.Pass;
        }
        if (ip.Protocol == IpProtocol.Udp && xdp.TryLoad(Ethernet + ip.HeaderLength, out UdpHeader udp))
        {
            if (Net.ToHost16(udp.DestinationPort) == DroppedPort)
            {
                Counts.Add(1, 1);
                return XdpAction.Drop;
            }
            Counts.Add(2, 1);
        }
        return XdpAction.Pass;
    }
}

/// <summary>Two programs that count UDP to <see cref="Port"/>, each in its own slot, and pass it: swapped under traffic.</summary>
[License("GPL")]
public static class XdpSwap
{
    public const int Port = 4010;
    private const int Ethernet = 14;

    [Map] public static readonly ArrayMap<ulong> Seen = new(maxEntries: 2);

    [Xdp]
    public static XdpAction CountA(XdpContext xdp)
    {
        if (IsProbe(xdp)) Seen.Add(0, 1);
        return XdpAction.Pass;
    }

    [Xdp]
    public static XdpAction CountB(XdpContext xdp)
    {
        if (IsProbe(xdp)) Seen.Add(1, 1);
        return XdpAction.Pass;
    }

    private static bool IsProbe(XdpContext xdp) =>
        xdp.TryLoad(12, out ushort etherType) && etherType == Net.ToNetwork16(0x0800)
        && xdp.TryLoad(Ethernet, out IPv4Header ip) && ip.Protocol == IpProtocol.Udp
        && xdp.TryLoad(Ethernet + ip.HeaderLength, out UdpHeader udp) && Net.ToHost16(udp.DestinationPort) == Port;
}
