using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>The founding scenario written in C#: per-direction packet and byte counters for a cgroup.</summary>
[License("GPL")]
public static class TrafficCounter
{
    [Map] public static readonly ArrayMap<ulong> Packets = new(maxEntries: 2);
    [Map] public static readonly ArrayMap<ulong> Bytes = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Ingress)]
    public static SkbVerdict CountIngress(SkBuffContext skb)
    {
        Packets.Add(0, 1);
        Bytes.Add(0, skb.Length);
        return SkbVerdict.Pass;
    }

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict CountEgress(SkBuffContext skb)
    {
        Packets.Add(1, 1);
        Bytes.Add(1, skb.Length);
        return SkbVerdict.Pass;
    }
}
