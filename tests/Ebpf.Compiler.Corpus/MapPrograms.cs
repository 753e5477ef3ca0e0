using System.Runtime.CompilerServices;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

public struct FlowStats
{
    public ulong Packets;
    public ulong Bytes;
    public uint LastLength;
    public ushort Protocol;
}

/// <summary>Map operations beyond counters: struct values by ref and by copy, update and remove, queues, stacks, ring buffers.</summary>
[License("GPL")]
public sealed class MapPrograms
{
    [Map] public static readonly LruHashMap<uint, FlowStats> Flows = new(maxEntries: 64);
    [Map] public static readonly QueueMap<uint> Lengths = new(maxEntries: 8);
    [Map] public static readonly StackMap<ulong> Recent = new(maxEntries: 4);
    [Map] public static readonly RingBuffer Events = new(maxEntries: 4096);
    [Map] public static readonly ArrayMap<long> Results = new(maxEntries: 8);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Track(SkBuffContext skb)
    {
        var key = skb.Length % 7;
        ref var stats = ref Flows.Lookup(key);
        if (Unsafe.IsNullRef(ref stats))
        {
            var fresh = new FlowStats { Packets = 1, Bytes = skb.Length, LastLength = skb.Length, Protocol = (ushort)skb.Protocol };
            Results.Update(0, Flows.Update(key, fresh, UpdateFlags.NoExist));
        }
        else
        {
            stats.Packets++;
            Interlocked.Add(ref stats.Bytes, skb.Length);
            stats.LastLength = skb.Length;
        }
        if (Flows.TryGetValue(key, out var copy) && copy.Packets >= 3)
            Results.Update(1, Flows.Remove(key) ? 1 : -1);
        Results.Update(2, Lengths.Push(skb.Length));
        if (Lengths.TryPop(out var oldest))
            Results.Update(3, oldest);
        Results.Update(4, Recent.Push((ulong)skb.Length << 8));
        Results.Update(5, Events.Output(copy));
        ref var record = ref Events.Reserve<FlowStats>();
        if (Unsafe.IsNullRef(ref record))
            Results.Update(6, -1);
        else
        {
            record = copy;
            record.LastLength = skb.Length;
            if (copy.Packets % 3 == 0)
                Events.Discard(ref record);
            else
                Events.Submit(ref record);
            Results.Update(6, (long)Events.Query(RingBufferQuery.ProducerPosition));
        }
        return copy.Packets % 2 == 0 ? SkbVerdict.Drop : SkbVerdict.Pass;
    }
}

/// <summary>Perf event output: the helper's arguments in the kernel's order (ctx, map, flags, data, size).</summary>
[License("GPL")]
public sealed class PerfPrograms
{
    [Map] public static readonly PerfEventArray Events = new(maxEntries: 4);
    [Map] public static readonly ArrayMap<long> Results = new(maxEntries: 1);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Report(SkBuffContext skb)
    {
        var stats = new FlowStats { Packets = 1, Bytes = skb.Length, LastLength = skb.Length };
        Results.Update(0, Events.Output(skb, stats));
        return SkbVerdict.Pass;
    }
}

/// <summary>A tail call through a program array: the fallback when the slot is empty, the other program's verdict when set.</summary>
[License("GPL")]
public sealed class TailCallPrograms
{
    [Map] public static readonly ProgramArray Jumps = new(maxEntries: 4);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Entry(SkBuffContext skb) => Jumps.TailCall(skb, skb.Length > 100 ? 1u : 0u, SkbVerdict.Pass);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict DropAll(SkBuffContext skb) => SkbVerdict.Drop;
}
