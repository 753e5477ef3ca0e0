using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Hosting.Tests;

[StructLayout(LayoutKind.Sequential)]
public struct PacketEvent
{
    public uint Length;
    public uint Direction;
}

/// <summary>The hosted program of the tests: counts a cgroup's packets per direction, sends each egress packet as an event and logs it.</summary>
[License("GPL")]
public sealed class HostedCounter
{
    public const uint IngressSlot = 0, EgressSlot = 1;

    [Map("packets")] public static readonly ArrayMap<ulong> Packets = new(maxEntries: 2);
    [Map("events")] public static readonly RingBuffer Events = new(maxEntries: 16384);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Egress(SkBuffContext skb)
    {
        Packets.Add(EgressSlot, 1);
        var e = new PacketEvent { Length = skb.Length, Direction = EgressSlot };
        Events.Output(e);
        Log.Information($"sent {skb.Length} bytes");
        return SkbVerdict.Pass;
    }

    [CgroupSkb(CgroupSkbDirection.Ingress)]
    public static SkbVerdict Ingress(SkBuffContext skb)
    {
        Packets.Add(IngressSlot, 1);
        return SkbVerdict.Pass;
    }

    /// <summary>Declared without a direction (section "cgroup/skb"): configuration must give one.</summary>
    [CgroupSkb]
    public static SkbVerdict Either(SkBuffContext skb) => SkbVerdict.Pass;
}
