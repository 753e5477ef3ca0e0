using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

// The program of DESIGN.md, word for word, plus one that reads headers: both are what a user writes.
[License("GPL")]
public static class Firewall
{
    [Map] public static readonly HashMap<uint, ulong> Blocked = new(maxEntries: 1024);
    [Map] public static readonly ArrayMap<ulong> Bytes = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]          // section "cgroup_skb/egress"
    public static SkbVerdict Egress(SkBuffContext skb)
    {
        Bytes.Add(1, skb.Length);                      // atomic add in the kernel
        return Blocked.ContainsKey(skb.RemoteIPv4) ? SkbVerdict.Drop : SkbVerdict.Pass;
    }

    [CgroupSkb]                                        // section "cgroup/skb": direction chosen at attach
    public static SkbVerdict Either(SkBuffContext skb) => SkbVerdict.Pass;
}

/// <summary>Drops TCP/UDP packets to blocked destination ports, for IPv4 and IPv6, reading the headers with TryLoad.</summary>
[License("Dual BSD/GPL")]
public static class PortFilter
{
    [Map("blocked_ports")] public static readonly HashMap<ushort, ulong> BlockedPorts = new(maxEntries: 64);
    [Map] public static readonly PerCpuArrayMap<ulong> Verdicts = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Filter(SkBuffContext skb)
    {
        byte proto;
        int l4;
        if (skb.Protocol == EtherType.IPv4)
        {
            if (!skb.TryLoad(0, out byte vihl) || !skb.TryLoad(9, out proto)) return Count(SkbVerdict.Pass);
            l4 = (vihl & 0x0f) * 4;
        }
        else if (skb.Protocol == EtherType.IPv6)
        {
            if (!skb.TryLoad(6, out proto)) return Count(SkbVerdict.Pass);
            l4 = 40;
        }
        else return Count(SkbVerdict.Pass);

        if (proto is not (6 or 17)) return Count(SkbVerdict.Pass);
        if (!skb.TryLoad(l4 + 2, out ushort port)) return Count(SkbVerdict.Pass);   // network order in the packet
        ref ulong hits = ref BlockedPorts.Lookup(Net.ToHost16(port));
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref hits)) return Count(SkbVerdict.Pass);
        hits++;
        return Count(SkbVerdict.Drop);
    }

    private static SkbVerdict Count(SkbVerdict verdict)
    {
        Verdicts.Add(verdict == SkbVerdict.Pass ? 0u : 1u, 1);
        return verdict;
    }
}
