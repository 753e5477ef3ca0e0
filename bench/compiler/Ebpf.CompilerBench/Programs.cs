// The C# twins of ../programs.c: the same logic, written as a C# developer writes it against Ebpf.Kernel (locals, header
// structs read with TryLoad, small static helpers, a constant-bound loop). Each program is its own class, so one that the
// compiler cannot compile yet does not take the others down. Keep them as a user would write them: when the compiler
// refuses one, the benchmark says so, and that is the compiler's next work, not a reason to rewrite the program.
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.CompilerBench.Programs;

// IP, IPv6 and transport headers, and IpProtocol, are the kernel-side library's (Ebpf.Kernel).

/// <summary>Packets and bytes per protocol: slot 0 IPv4, 1 IPv6, 2 anything else.</summary>
[License("GPL")]
public static class Counter
{
    [Map] public static readonly ArrayMap<ulong> Packets = new(maxEntries: 3);
    [Map] public static readonly ArrayMap<ulong> Bytes = new(maxEntries: 3);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Count(SkBuffContext skb)
    {
        uint slot = skb.Protocol switch
        {
            EtherType.IPv4 => 0,
            EtherType.IPv6 => 1,
            _ => 2,
        };
        Packets.Add(slot, 1);
        Bytes.Add(slot, skb.Length);
        return SkbVerdict.Pass;
    }
}

/// <summary>A flow: the IPv4/IPv6 5-tuple. IPv4 addresses sit in W0 of the IPv6 fields, the rest zero.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowKey
{
    public IPv6Address Source;          // network order, as in the header
    public IPv6Address Destination;
    public ushort SourcePort;           // host order; 0 unless TCP/UDP (and not a later fragment)
    public ushort DestinationPort;
    public byte Protocol;
    public byte Version;
    public ushort Padding;              // keys compare byte for byte, so no implicit padding: zeroed with the key
}

/// <summary>Parses the 5-tuple of IPv4 and IPv6 packets and counts packets per flow.</summary>
[License("GPL")]
public static class FiveTuple
{
    [Map] public static readonly HashMap<FlowKey, ulong> Flows = new(maxEntries: 1024);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Flow(SkBuffContext skb)
    {
        if (!TryParse(skb, out var key))
            return SkbVerdict.Pass;
        Flows.Add(key, 1);
        return SkbVerdict.Pass;
    }

    private static bool TryParse(SkBuffContext skb, out FlowKey key)
    {
        key = default;
        int l4;
        bool fragment = false;
        if (skb.Protocol == EtherType.IPv4)
        {
            if (!skb.TryLoad(0, out IPv4Header ip) || ip.HeaderLength < 20)
                return false;
            key.Source = new IPv6Address(ip.Source, 0, 0, 0);
            key.Destination = new IPv6Address(ip.Destination, 0, 0, 0);
            key.Protocol = ip.Protocol;
            key.Version = 4;
            fragment = ip.IsLaterFragment;
            l4 = ip.HeaderLength;
        }
        else if (skb.Protocol == EtherType.IPv6)
        {
            if (!skb.TryLoad(0, out IPv6Header ip6))
                return false;
            key.Source = ip6.Source;
            key.Destination = ip6.Destination;
            key.Protocol = ip6.NextHeader;
            key.Version = 6;
            l4 = 40;   // extension headers are not followed
        }
        else
        {
            return false;
        }
        if ((key.Protocol == IpProtocol.Tcp || key.Protocol == IpProtocol.Udp) && !fragment && skb.TryLoad(l4, out TransportPorts ports))
        {
            key.SourcePort = Net.ToHost16(ports.SourcePort);
            key.DestinationPort = Net.ToHost16(ports.DestinationPort);
        }
        return true;
    }
}

/// <summary>Drops TCP and UDP packets to a destination port whose rule says Block.</summary>
[License("GPL")]
public static class PortFilter
{
    public const byte Allow = 0, Block = 1;

    [Map] public static readonly HashMap<ushort, byte> PortRules = new(maxEntries: 256);   // host-order port -> rule
    [Map] public static readonly ArrayMap<ulong> Dropped = new(maxEntries: 1);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict FilterPorts(SkBuffContext skb)
    {
        ushort port = DestinationPort(skb);
        if (port == 0)
            return SkbVerdict.Pass;
        if (PortRules.TryGetValue(port, out byte rule) && rule == Block)
        {
            Dropped.Add(0, 1);
            return SkbVerdict.Drop;
        }
        return SkbVerdict.Pass;
    }

    /// <summary>The TCP/UDP destination port in host order; 0 for anything else.</summary>
    private static ushort DestinationPort(SkBuffContext skb)
    {
        int l4;
        byte protocol;
        switch (skb.Protocol)
        {
            case EtherType.IPv4:
                if (!skb.TryLoad(0, out IPv4Header ip) || ip.IsLaterFragment || ip.HeaderLength < 20)
                    return 0;
                protocol = ip.Protocol;
                l4 = ip.HeaderLength;
                break;
            case EtherType.IPv6:
                if (!skb.TryLoad(0, out IPv6Header ip6))
                    return 0;
                protocol = ip6.NextHeader;
                l4 = 40;
                break;
            default:
                return 0;
        }
        if (protocol != IpProtocol.Tcp && protocol != IpProtocol.Udp)
            return 0;
        return skb.TryLoad(l4 + 2, out ushort port) ? Net.ToHost16(port) : (ushort)0;
    }
}

/// <summary>Walks IPv4 options: drops source-routed and malformed packets, counts router alerts.</summary>
[License("GPL")]
public static class IpOptions
{
    private const byte EndOfList = 0, NoOperation = 1, LooseSourceRoute = 0x83, StrictSourceRoute = 0x89, RouterAlert = 0x94;
    private const int MaxOptions = 40;   // 40 bytes of options at most, each at least one byte

    // Slot 0: nothing of interest, 1: router alert seen, 2: source-routed (dropped), 3: malformed (dropped).
    [Map] public static readonly ArrayMap<ulong> OptionVerdicts = new(maxEntries: 4);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict WalkOptions(SkBuffContext skb)
    {
        if (skb.Protocol != EtherType.IPv4 || !skb.TryLoad(0, out byte versionIhl))
            return SkbVerdict.Pass;
        int end = (versionIhl & 0x0F) * 4;
        int offset = 20;
        uint seen = 0;
        for (int i = 0; i < MaxOptions; i++)
        {
            if (offset >= end || !skb.TryLoad(offset, out byte type) || type == EndOfList)
                break;
            if (type == NoOperation)
            {
                offset++;
                continue;
            }
            if (!skb.TryLoad(offset + 1, out byte length) || length < 2)
                return Count(3, SkbVerdict.Drop);
            if (type is LooseSourceRoute or StrictSourceRoute)
                return Count(2, SkbVerdict.Drop);
            if (type == RouterAlert)
                seen = 1;
            offset += length;
        }
        return Count(seen, SkbVerdict.Pass);
    }

    private static SkbVerdict Count(uint slot, SkbVerdict verdict)
    {
        OptionVerdicts.Add(slot, 1);
        return verdict;
    }
}
