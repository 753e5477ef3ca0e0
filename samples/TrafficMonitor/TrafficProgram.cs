using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace TrafficMonitor;

/// <summary>The value of the <c>traffic</c> map: one per direction. The monitor reads the map with this same struct.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Counters
{
    public ulong Packets;
    public ulong Bytes;
}

/// <summary>
/// The kernel side of the traffic monitor: counts the packets and bytes of a cgroup's sockets, per direction.
/// <c>dotnet build</c> compiles it to BPF and embeds the object; <c>BpfObject.Load&lt;TrafficProgram&gt;()</c> loads it.
/// </summary>
[License("GPL")]
public sealed class TrafficProgram
{
    /// <summary>Slots of <see cref="Traffic"/>.</summary>
    public const uint IngressSlot = 0, EgressSlot = 1;

    [Map("traffic")] public static readonly ArrayMap<Counters> Traffic = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Ingress)]
    public static SkbVerdict Ingress(SkBuffContext skb) => Count(IngressSlot, skb);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Egress(SkBuffContext skb) => Count(EgressSlot, skb);

    private static SkbVerdict Count(uint slot, SkBuffContext skb)
    {
        ref var counters = ref Traffic.Lookup(slot);
        if (!Unsafe.IsNullRef(ref counters))
        {
            // Atomic: the program runs on every CPU at once, all on the same two values.
            Interlocked.Increment(ref counters.Packets);
            Interlocked.Add(ref counters.Bytes, skb.Length);
        }
        return SkbVerdict.Pass; // this program only watches
    }
}
