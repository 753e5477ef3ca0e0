using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

public struct FlowId
{
    public ushort Port;
    public IPv6Address Peer;
}

public readonly record struct Pair(uint A, uint B);

/// <summary>A corpus of cgroup_skb programs that parse packets: each runs in the kernel and as .NET on the same generated packets.</summary>
[License("GPL")]
public sealed class PacketPrograms
{
    private static readonly uint Magic = 0x9e3779b9;

    [Map] public static readonly ArrayMap<ulong> Protocols = new(maxEntries: 256);
    [Map] public static readonly HashMap<ushort, ulong> PortHits = new(maxEntries: 1024);

    /// <summary>Not used by the programs: its struct key and value show in the object's BTF.</summary>
    [Map] public static readonly HashMap<TransportPorts, IPv4Header> Headers = new(maxEntries: 16);

    /// <summary>The 5-tuple through structs, inlined helpers and a hash; counts per protocol and per destination port.</summary>
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Tuple(SkBuffContext skb)
    {
        byte protocol;
        int l4;
        uint hash;
        if (skb.Protocol == EtherType.IPv4)
        {
            if (!skb.TryLoad(0, out IPv4Header ip) || ip.HeaderLength < 20)
                return SkbVerdict.Drop;
            protocol = ip.Protocol;
            l4 = ip.HeaderLength;
            var flow = new FlowId();
            flow.Peer = new IPv6Address(ip.Source, 0, 0, ip.Destination);   // constructed in place
            var pair = new Pair(flow.Peer.W0, flow.Peer.W3);                  // constructed into the local
            hash = Mix(pair.A, pair.B);
        }
        else if (skb.Protocol == EtherType.IPv6)
        {
            if (!skb.TryLoad(0, out IPv6Header ip6))
                return SkbVerdict.Drop;
            protocol = ip6.NextHeader;
            l4 = 40;
            hash = Mix(ip6.Source.W0 ^ ip6.Source.W3, ip6.Destination.W1 + ip6.Destination.W2);
        }
        else
            return SkbVerdict.Pass;
        Protocols.Add(protocol, 1);
        if (protocol is 6 or 17 && skb.TryLoad(l4, out TransportPorts ports))
        {
            var destination = Net.ToHost16(ports.DestinationPort);
            PortHits.Add(destination, 1);
            hash ^= Mix(Net.ToHost16(ports.SourcePort), destination);
        }
        return (hash & 3) == 0 ? SkbVerdict.Drop : SkbVerdict.Pass;
    }

    /// <summary>The same parser as a socket filter, where packets are read with bpf_skb_load_bytes (no direct access).</summary>
    [SocketFilter]
    public static uint TupleSocket(SkBuffContext skb) => (uint)Tuple(skb);

    /// <summary>TCP through the library's headers, as the kernel-side README shows it: SYNs to low ports drop.</summary>
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Tcp(SkBuffContext skb)
    {
        ushort port = 0;
        byte flags = 0;
        if (skb.TryLoad(0, out IPv4Header ip) && ip.Protocol == IpProtocol.Tcp && skb.TryLoad(ip.HeaderLength, out TcpHeader tcp))
        {
            port = Net.ToHost16(tcp.DestinationPort);
            flags = tcp.Flags;
        }
        return (flags & 0x02) != 0 && port < 1024 || port == 0xffff ? SkbVerdict.Drop : SkbVerdict.Pass;
    }

    private static uint Mix(uint a, uint b)
    {
        var x = a * Magic + (b << 7 | b >> 25);
        return x ^ (x >> 15);
    }

    /// <summary>Walks IPv4 options byte by byte with variable offsets: drops on a source route or a malformed list.</summary>
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Options(SkBuffContext skb)
    {
        if (skb.Protocol != EtherType.IPv4 || !skb.TryLoad(0, out byte versionIhl))
            return SkbVerdict.Pass;
        var end = (versionIhl & 0x0F) * 4;
        var offset = 20;
        for (var i = 0; i < 40; i++)
        {
            if (offset >= end)
                break;
            if (!skb.TryLoad(offset, out byte kind))
                return SkbVerdict.Drop;
            if (kind == 0)
                break;
            if (kind == 1)
            {
                offset++;
                continue;
            }
            if (kind is 0x83 or 0x89)
                return SkbVerdict.Drop;
            if (!skb.TryLoad(offset + 1, out byte length) || length < 2)
                return SkbVerdict.Drop;
            offset += length;
        }
        return SkbVerdict.Pass;
    }

    /// <summary>ICMP and ICMPv6 types through a ref into a map value, Interlocked and a switch.</summary>
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Icmp(SkBuffContext skb)
    {
        int l4;
        if (skb.TryLoad(0, out byte first) && first >> 4 == 4)
        {
            if (!skb.TryLoad(9, out byte p) || p != 1) return SkbVerdict.Pass;
            l4 = (first & 0x0F) * 4;
        }
        else if (skb.TryLoad(6, out byte next) && first >> 4 == 6 && next == 58)
            l4 = 40;
        else
            return SkbVerdict.Pass;
        if (!skb.TryLoad(l4, out ushort typeCode))
            return SkbVerdict.Drop;
        ref var seen = ref Protocols.Lookup((uint)(typeCode & 0xff));
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref seen))
            Interlocked.Increment(ref seen);
        switch (typeCode & 0xff)
        {
            case 0 or 8 or 128 or 129: return SkbVerdict.Pass;
            case 3: return (typeCode >> 8) > 4 ? SkbVerdict.Drop : SkbVerdict.Pass;
            default: return Math.Min(typeCode >> 8, 10) < 5 ? SkbVerdict.Pass : SkbVerdict.Drop;
        }
    }
}
