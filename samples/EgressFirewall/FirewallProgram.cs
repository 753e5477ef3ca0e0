using System.Runtime.CompilerServices;
using Ebpf.Kernel;

namespace EgressFirewall;

/// <summary>
/// The kernel side of the egress firewall: drops what a cgroup's sockets send to blocked IPv4/IPv6 addresses or destination
/// ports, counts it, and logs each drop (user space prints the lines through ILogger). <c>dotnet build</c> compiles it to BPF and embeds the object; <c>BpfObject.Load&lt;FirewallProgram&gt;()</c> loads it.
/// </summary>
[License("GPL")]
public sealed class FirewallProgram
{
    /// <summary>Slots of <see cref="Verdicts"/>.</summary>
    public const uint PassedSlot = 0, DroppedSlot = 1;

    // Each value counts the packets dropped for its entry. Addresses are keys in network byte order, as in the header.
    [Map("blocked_v4")] public static readonly HashMap<uint, ulong> BlockedV4 = new(maxEntries: 1024);
    [Map("blocked_v6")] public static readonly HashMap<IPv6Address, ulong> BlockedV6 = new(maxEntries: 1024);

    /// <summary>Destination ports in host byte order: 443 is 443.</summary>
    [Map("blocked_ports")] public static readonly HashMap<ushort, ulong> BlockedPorts = new(maxEntries: 1024);

    /// <summary>Packets passed (slot 0) and dropped (slot 1).</summary>
    [Map("verdicts")] public static readonly ArrayMap<ulong> Verdicts = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Filter(SkBuffContext skb)
    {
        ushort port = 0;
        if (skb.Protocol == EtherType.IPv4)
        {
            if (!skb.TryLoad(0, out IPv4Header ip))
                return Verdict(pass: true); // too short to judge: not ours to drop
            if (Hit(ref BlockedV4.Lookup(ip.Destination)))
            {
                Log.Warning($"dropped {skb.Length} bytes to blocked address {ip.Destination:ipv4}");
                return Verdict(pass: false);
            }
            port = DestinationPort(skb, ip.Protocol, ip.HeaderLength);
        }
        else if (skb.Protocol == EtherType.IPv6)
        {
            if (!skb.TryLoad(0, out IPv6Header ip6))
                return Verdict(pass: true);
            if (Hit(ref BlockedV6.Lookup(ip6.Destination)))
            {
                Log.Warning($"dropped {skb.Length} bytes to a blocked IPv6 address");
                return Verdict(pass: false);
            }
            port = DestinationPort(skb, ip6.NextHeader, 40); // extension headers are not followed
        }
        if (port != 0 && Hit(ref BlockedPorts.Lookup(port)))
        {
            Log.Warning($"dropped {skb.Length} bytes to blocked port {port}");
            return Verdict(pass: false);
        }
        return Verdict(pass: true);
    }

    private static SkbVerdict Verdict(bool pass)
    {
        Verdicts.Add(pass ? PassedSlot : DroppedSlot, 1);
        return pass ? SkbVerdict.Pass : SkbVerdict.Drop;
    }

    /// <summary>Whether a rule matched (its counter is not null), counting the drop on it.</summary>
    private static bool Hit(ref ulong counter)
    {
        if (Unsafe.IsNullRef(ref counter))
            return false;
        Interlocked.Increment(ref counter);
        return true;
    }

    /// <summary>The destination port of a TCP or UDP packet whose L4 header starts at <paramref name="l4"/>; 0 for anything else.</summary>
    private static ushort DestinationPort(SkBuffContext skb, byte protocol, int l4)
    {
        if (protocol != IpProtocol.Tcp && protocol != IpProtocol.Udp)
            return 0;
        return skb.TryLoad(l4 + 2, out ushort port) ? Net.ToHost16(port) : (ushort)0;
    }
}
