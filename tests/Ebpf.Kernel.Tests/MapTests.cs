using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

public sealed class MapTests
{
    [Fact]
    public void Hash_update_flags_follow_the_kernel()
    {
        var map = new HashMap<uint, ulong>(maxEntries: 2);
        Assert.Equal(-Errno.ENOENT, map.Update(1, 10, UpdateFlags.Exist));
        Assert.Equal(0, map.Update(1, 10, UpdateFlags.NoExist));
        Assert.Equal(-Errno.EEXIST, map.Update(1, 11, UpdateFlags.NoExist));
        Assert.Equal(0, map.Update(1, 12, UpdateFlags.Exist));
        Assert.Equal(0, map.Update(1, 13));
        Assert.Equal(-Errno.EINVAL, map.Update(1, 13, (UpdateFlags)3));
        Assert.Equal(-Errno.EINVAL, map.Update(1, 13, (UpdateFlags)8));
        Assert.True(map.TryGetValue(1, out var v));
        Assert.Equal(13UL, v);
    }

    [Fact]
    public void Hash_max_entries_is_enforced_but_replacing_is_allowed()
    {
        var map = new HashMap<uint, ulong>(maxEntries: 2);
        Assert.Equal(0, map.Update(1, 1));
        Assert.Equal(0, map.Update(2, 2));
        Assert.Equal(-Errno.E2BIG, map.Update(3, 3));
        Assert.Equal(0, map.Update(2, 20));
        Assert.True(map.Remove(1));
        Assert.False(map.Remove(1));
        Assert.Equal(0, map.Update(3, 3));
        Assert.Equal(2, map.Count);
        Assert.Equal(new Dictionary<uint, ulong> { [2] = 20, [3] = 3 }, map.ToDictionary());
    }

    [Fact]
    public void Lookup_returns_a_reference_into_the_map_or_null()
    {
        var map = new HashMap<uint, ulong>(maxEntries: 8);
        Assert.True(Unsafe.IsNullRef(ref map.Lookup(5)));
        map.Update(5, 1);
        ref var v = ref map.Lookup(5);
        v += 41;
        Assert.True(map.TryGetValue(5, out var now));
        Assert.Equal(42UL, now);
        // Like the kernel's pointer, a reference outlives a replace but sees the old element.
        map.Update(5, 100);
        Assert.Equal(42UL, v);
        Assert.True(map.ContainsKey(5));
        Assert.False(map.ContainsKey(6));
    }

    [Fact]
    public void Keys_compare_byte_for_byte()
    {
        var map = new HashMap<IPv6Address, uint>(maxEntries: 4);
        map.Update(Net.IPv6("2001:db8::1"), 1);
        Assert.True(map.ContainsKey(Net.IPv6("2001:db8:0::1")));
        Assert.False(map.ContainsKey(Net.IPv6("2001:db8::2")));
        var structs = new HashMap<FlowKey, uint>(maxEntries: 4);
        structs.Update(new FlowKey { Address = 1, Port = 2, Protocol = 6 }, 9);
        Assert.True(structs.TryGetValue(new FlowKey { Address = 1, Port = 2, Protocol = 6 }, out var x));
        Assert.Equal(9u, x);
        Assert.Equal(8, structs.KeySize);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FlowKey
    {
        public uint Address;
        public ushort Port;
        public byte Protocol;
        public byte Pad;
    }

    [Fact]
    public void Lru_evicts_the_least_recently_used()
    {
        var map = new LruHashMap<uint, uint>(maxEntries: 2);
        map.Update(1, 1);
        map.Update(2, 2);
        Assert.True(map.ContainsKey(1));   // 1 is now more recent than 2
        Assert.Equal(0, map.Update(3, 3));
        Assert.True(map.ContainsKey(1));
        Assert.False(map.ContainsKey(2));
        Assert.True(map.ContainsKey(3));
        Assert.Equal(MapType.LruHash, map.Type);
    }

    [Fact]
    public void Per_cpu_maps_have_one_cpu_when_managed()
    {
        var hash = new PerCpuHashMap<uint, ulong>(maxEntries: 4);
        hash.Update(1, 5);
        Assert.Equal(5UL, hash.LookupOnCpu(1, 0));
        Assert.True(Unsafe.IsNullRef(ref hash.LookupOnCpu(1, 1)));
        var array = new PerCpuArrayMap<ulong>(maxEntries: 2);
        Assert.True(array.Add(0, 3));
        Assert.Equal(3UL, array.LookupOnCpu(0, 0));
        Assert.True(Unsafe.IsNullRef(ref array.LookupOnCpu(0, 1)));
        Assert.Equal(1, KernelMap.ManagedCpuCount);
        Assert.Equal(MapType.PerCpuArray, array.Type);
        Assert.True(new LruPerCpuHashMap<uint, uint>(2).LookupOnCpu(0, 0) is var _);
    }

    [Fact]
    public void Arrays_have_every_element_and_refuse_deletes()
    {
        var map = new ArrayMap<ulong>(maxEntries: 2);
        Assert.True(map.TryGetValue(1, out var v));
        Assert.Equal(0UL, v);
        Assert.False(map.TryGetValue(2, out _));
        Assert.True(Unsafe.IsNullRef(ref map.Lookup(2)));
        Assert.Equal(-Errno.EEXIST, map.Update(0, 1, UpdateFlags.NoExist));
        Assert.Equal(0, map.Update(0, 1, UpdateFlags.Exist));
        Assert.Equal(-Errno.E2BIG, map.Update(2, 1));
        Assert.Equal(-Errno.EINVAL, map.Delete(0));
        Assert.Equal(4, map.KeySize);
        Assert.Equal(8, map.ValueSize);
    }

    [Fact]
    public void Counters_add_atomically()
    {
        var array = new ArrayMap<ulong>(maxEntries: 1);
        Parallel.For(0, 10_000, _ => array.Add(0, 3));
        Assert.Equal(30_000UL, array.ToArray()[0]);
        Assert.False(array.Add(1, 1));

        var hash = new HashMap<uint, ulong>(maxEntries: 2);
        Parallel.For(0, 10_000, i => hash.Add((uint)(i % 2), 1));
        Assert.Equal(5_000UL, hash.ToDictionary()[0]);
        Assert.Equal(5_000UL, hash.ToDictionary()[1]);
        Assert.False(hash.Add(7u, 1));   // full: nothing counted

        var signed = new ArrayMap<long>(1);
        signed.Add(0, -5);
        Assert.Equal(-5L, signed.ToArray()[0]);
        var small = new ArrayMap<uint>(1);
        small.Add(0, 2u);
        var ints = new ArrayMap<int>(1);
        ints.Add(0, -2);
        Assert.Equal(-2, ints.ToArray()[0]);
    }

    [Fact]
    public void Ring_buffer_output_reserve_submit_discard_and_capacity()
    {
        var rb = new RingBuffer(4096);
        Assert.Equal(0, rb.Output(42UL));
        ref var rec = ref rb.Reserve<Event>();
        Assert.False(Unsafe.IsNullRef(ref rec));
        rec.Pid = 7;
        rec.Bytes = 100;
        ref var dropped = ref rb.Reserve<Event>();
        dropped.Pid = 99;
        rb.Discard(ref dropped);
        rb.Submit(ref rec);

        // 8-byte headers, sizes rounded to 8; the discarded record holds its space until the consumer passes it, as in the kernel.
        Assert.Equal(16UL + 24UL + 24UL, rb.Query(RingBufferQuery.AvailableData));
        Assert.True(rb.TryRead(out ulong first));
        Assert.Equal(42UL, first);
        Assert.True(rb.TryRead(out Event e));
        Assert.Equal(7u, e.Pid);
        Assert.Equal(100UL, e.Bytes);
        Assert.False(rb.TryRead(out byte[] _));

        // The kernel keeps the producer at most size - 1 bytes ahead of the consumer: 4096 bytes hold 255 records of
        // 8 + 8 bytes, and the 256th is refused (the compiler's differential test checks this against the kernel).
        for (int i = 0; i < 255; i++) Assert.Equal(0, rb.Output((ulong)i));
        Assert.Equal(-Errno.EAGAIN, rb.Output(1UL));
        Assert.True(Unsafe.IsNullRef(ref rb.Reserve<ulong>()));
        Assert.Equal(255, rb.Drain().Count);
        Assert.Equal(0, rb.Output(1UL));
        Assert.Throws<InvalidOperationException>(() => { var x = 1UL; rb.Submit(ref x); });
    }

    private struct Event
    {
        public uint Pid;
        public ulong Bytes;
    }

    [Fact]
    public void Queue_stack_and_bloom_filter()
    {
        var q = new QueueMap<uint>(maxEntries: 2);
        Assert.Equal(0, q.Push(1));
        Assert.Equal(0, q.Push(2));
        Assert.Equal(-Errno.E2BIG, q.Push(3));
        Assert.Equal(0, q.Push(3, UpdateFlags.Exist));   // drops the oldest
        Assert.True(q.TryPeek(out var p));
        Assert.Equal(2u, p);
        Assert.True(q.TryPop(out p));
        Assert.Equal(2u, p);

        var s = new StackMap<uint>(maxEntries: 4);
        s.Push(1);
        s.Push(2);
        Assert.True(s.TryPop(out p));
        Assert.Equal(2u, p);
        Assert.True(s.TryPop(out p));
        Assert.False(s.TryPop(out _));

        var bloom = new BloomFilter<uint>(maxEntries: 100);
        bloom.Push(5);
        Assert.True(bloom.MightContain(5));
        Assert.False(bloom.MightContain(6));
        Assert.Equal(-Errno.EINVAL, bloom.Push(1, UpdateFlags.NoExist));
    }

    [Fact]
    public void Tail_calls_run_the_slot_or_return_the_fallback()
    {
        var jumps = new ProgramArray(maxEntries: 4);
        var skb = SkBuffContext.ForTest([0x45]);
        Assert.Equal(SkbVerdict.Pass, jumps.TailCall(skb, 0, SkbVerdict.Pass));
        jumps.Set<SkBuffContext, SkbVerdict>(0, _ => SkbVerdict.Drop);
        Assert.Equal(SkbVerdict.Drop, jumps.TailCall(skb, 0, SkbVerdict.Pass));
        Assert.Equal(SkbVerdict.Pass, jumps.TailCall(skb, 9, SkbVerdict.Pass));

        // A program that tail-calls itself stops after MAX_TAIL_CALL_CNT calls.
        int calls = 0;
        Func<SkBuffContext, SkbVerdict> self = null!;
        self = c => { calls++; return jumps.TailCall(c, 1, SkbVerdict.Pass); };
        jumps.Set(1, self);
        Assert.Equal(SkbVerdict.Pass, self(skb));
        Assert.Equal(ProgramArray.MaxTailCalls + 1, calls);
    }

    [Fact]
    public void Perf_event_array_and_redirect_maps()
    {
        var events = new PerfEventArray();
        var skb = SkBuffContext.ForTest([0x45]);
        Assert.Equal(0, events.Output(skb, 5u));
        Assert.Equal(-Errno.E2BIG, events.Output(skb, 5u, flags: 3));
        Assert.Single(events.Drain());

        var dev = new DevMap(maxEntries: 4);
        Assert.Equal(XdpAction.Pass, dev.Redirect(0, (ulong)XdpAction.Pass));
        dev.Set(0, 7);
        Assert.Equal(XdpAction.Redirect, dev.Redirect(0));
        Assert.Equal((0u, 7u), dev.LastRedirect);
        Assert.Equal(MapType.CpuMap, new CpuMap(1).Type);
        Assert.Equal(MapType.XskMap, new XskMap(1).Type);
    }
}
