using Ebpf.Native;

namespace Ebpf.Maps.Tests;

public class HashMapTests
{
    [KernelFact]
    public void Indexer_TryGetValue_ContainsKey_and_missing_key()
    {
        using var map = BpfHashMap<uint, ulong>.Create(16, name: "hash_basic");
        map[1] = 10;
        map[2] = 20;
        Assert.Equal(10UL, map[1]);
        Assert.True(map.TryGetValue(2, out var v));
        Assert.Equal(20UL, v);
        Assert.False(map.TryGetValue(3, out v));
        Assert.Equal(0UL, v);
        Assert.True(map.ContainsKey(1));
        Assert.False(map.ContainsKey(3));
        var e = Assert.Throws<BpfKeyNotFoundException>(() => map[3]);
        Assert.Equal("map 'hash_basic' has no key 3; use TryGetValue to look up a key that may be absent.", e.Message);
        Assert.IsAssignableFrom<BpfException>(e);
    }

    [KernelFact]
    public void Update_flags_NoExist_and_Exist()
    {
        using var map = BpfHashMap<uint, ulong>.Create(16, name: "hash_flags");
        map.Update(1, 1, BpfUpdateFlags.NoExist);
        var e = Assert.Throws<BpfSyscallException>(() => map.Update(1, 2, BpfUpdateFlags.NoExist));
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.Contains("hash_flags", e.Message);
        Assert.Equal(1UL, map[1]);

        var missing = Assert.Throws<BpfSyscallException>(() => map.Update(2, 2, BpfUpdateFlags.Exist));
        Assert.Equal("ENOENT", missing.ErrnoName);
        map.Update(1, 3, BpfUpdateFlags.Exist);
        Assert.Equal(3UL, map[1]);

        Assert.False(map.TryAdd(1, 4));
        Assert.True(map.TryAdd(2, 4));
        Assert.Equal(4UL, map[2]);
    }

    [KernelFact]
    public void Remove_TryRemove_Clear()
    {
        using var map = BpfHashMap<uint, ulong>.Create(16, name: "hash_remove");
        map[1] = 1; map[2] = 2; map[3] = 3;
        Assert.True(map.Remove(1));
        Assert.False(map.Remove(1));
        Assert.True(map.TryRemove(2, out var v));
        Assert.Equal(2UL, v);
        Assert.False(map.TryRemove(2, out _));
        Assert.Equal(1, map.Count());
        map.Clear();
        Assert.Equal(0, map.Count());
    }

    [KernelFact]
    public void Keys_and_enumeration_see_every_element()
    {
        using var map = BpfHashMap<uint, ulong>.Create(128, name: "hash_enum");
        for (uint i = 0; i < 100; i++) map[i] = i * 3;
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (uint)i), map.Keys.Order());
        var pairs = map.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(100, pairs.Count);
        foreach (var (k, val) in pairs) Assert.Equal(k * 3UL, val);
        Assert.Equal(100, map.Count());
    }

    [KernelFact]
    public void Struct_keys_and_values()
    {
        using var map = BpfHashMap<Flow, Counters>.Create(8, name: "hash_struct");
        var flow = new Flow { Source = 0x0100007f, Destination = 0x0200007f, Port = 443 };
        map[flow] = new Counters { Packets = 2, Bytes = 3000 };
        Assert.Equal(3000UL, map[flow].Bytes);
        Assert.Equal(flow, Assert.Single(map.Keys));
    }

    [KernelFact]
    public void Batch_update_lookup_delete_and_lookup_and_delete()
    {
        const int n = 5000;
        using var map = BpfHashMap<uint, ulong>.Create(8192, name: "hash_batch");
        var keys = Enumerable.Range(1, n).Select(i => (uint)i * 11).ToArray();
        var values = keys.Select(k => (ulong)k << 20).ToArray();
        Assert.Equal(n, map.UpdateBatch(keys, values));

        var all = map.LookupBatch();
        Assert.Equal(n, all.Length);
        Assert.All(all, p => Assert.Equal((ulong)p.Key << 20, p.Value));

        // Rounds with a cursor and caller buffers.
        var k = new uint[700];
        var v = new ulong[700];
        var cursor = default(BpfBatchCursor);
        int total = 0, rounds = 0;
        while (!cursor.Done)
        {
            int got = map.LookupBatch(k, v, ref cursor);
            for (int i = 0; i < got; i++) Assert.Equal((ulong)k[i] << 20, v[i]);
            total += got;
            rounds++;
        }
        Assert.Equal(n, total);
        Assert.True(rounds >= n / 700);
        Assert.Equal(0, map.LookupBatch(k, v, ref cursor));

        Assert.Equal(1000, map.DeleteBatch(keys.AsSpan(0, 1000)));
        Assert.False(map.ContainsKey(keys[0]));
        Assert.Equal(n - 1000, map.Count());

        var rest = map.LookupAndDeleteBatch();
        Assert.Equal(n - 1000, rest.Length);
        Assert.Equal(0, map.Count());

        Assert.Throws<BpfException>(() => map.UpdateBatch(keys.AsSpan(0, 2), values.AsSpan(0, 3)));
    }

    [KernelFact]
    public void Lru_hash_evicts_instead_of_failing()
    {
        using var lru = BpfHashMap<uint, ulong>.CreateLru(64, name: "lru");
        Assert.True(lru.IsLru);
        for (uint i = 0; i < 1000; i++) lru[i] = i;
        Assert.True(lru.Count() <= 64 * 2); // per-CPU free lists make the bound fuzzy, but far below 1000
        Assert.Equal(999UL, lru[999]);

        using var full = BpfHashMap<uint, ulong>.Create(4, name: "full");
        for (uint i = 0; i < 4; i++) full[i] = i;
        var e = Assert.Throws<BpfSyscallException>(() => full[4] = 4);
        Assert.Equal("E2BIG", e.ErrnoName);
    }

    [KernelFact]
    public void Element_operations_allocate_nothing()
    {
        using var map = BpfHashMap<uint, ulong>.Create(16, name: "hash_alloc");
        map[1] = 1;
        ulong sum = 0;
        for (int i = 0; i < 100; i++) { map.Update(1, (ulong)i); map.TryGetValue(1, out var w); sum += w; } // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            map.Update(1, (ulong)i);
            map.TryGetValue(1, out var w);
            sum += w + map[1];
            map.ContainsKey(2);
        }
        foreach (var p in map) sum += p.Value;
        foreach (var key in map.Keys) sum += key;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }
}

public struct Flow : IEquatable<Flow>
{
    public uint Source, Destination;
    public ushort Port;
    public ushort Pad;

    public readonly bool Equals(Flow o) => Source == o.Source && Destination == o.Destination && Port == o.Port;
    public override readonly bool Equals(object? obj) => obj is Flow f && Equals(f);
    public override readonly int GetHashCode() => HashCode.Combine(Source, Destination, Port);
}

public struct Counters
{
    public ulong Packets;
    public ulong Bytes;
}
