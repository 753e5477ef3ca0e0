using Ebpf.Native;

namespace Ebpf.Maps.Tests;

public class LpmQueueBloomTests
{
    private static uint Ip(byte a, byte b, byte c, byte d) => BitConverter.ToUInt32([a, b, c, d]); // network byte order in memory

    [KernelFact]
    public void Lpm_trie_longest_prefix_wins()
    {
        using var trie = BpfLpmTrie<LpmKey<uint>, uint>.Create(16, name: "lpm");
        Assert.Equal(8, trie.Map.KeySize);
        trie[new(8, Ip(10, 0, 0, 0))] = 8;
        trie[new(24, Ip(10, 1, 2, 0))] = 24;
        trie.Update(new(32, Ip(10, 1, 2, 3)), 32, BpfUpdateFlags.NoExist);

        Assert.Equal(32u, trie[new(32, Ip(10, 1, 2, 3))]);
        Assert.Equal(24u, trie[new(32, Ip(10, 1, 2, 4))]);
        Assert.Equal(8u, trie[new(32, Ip(10, 9, 9, 9))]);
        Assert.False(trie.TryGetValue(new(32, Ip(11, 0, 0, 1)), out _));

        Assert.Equal(3, trie.Count());
        Assert.Contains(new LpmKey<uint>(24, Ip(10, 1, 2, 0)), trie.Keys);
        Assert.Equal(new uint[] { 8, 24, 32 }, trie.Select(p => p.Value).Order());
        Assert.True(trie.Remove(new(24, Ip(10, 1, 2, 0))));
        Assert.Equal(8u, trie[new(32, Ip(10, 1, 2, 4))]);
    }

    [KernelFact]
    public void Lpm_key_with_8_byte_data_sits_right_after_the_prefix_length()
    {
        Assert.Equal(12, System.Runtime.CompilerServices.Unsafe.SizeOf<LpmKey<ulong>>());
        using var trie = BpfLpmTrie<LpmKey<ulong>, byte>.Create(4, name: "lpm64");
        trie[new(16, 0xABCD)] = 1;
        Assert.Equal((byte)1, trie[new(64, 0xFFFF_FFFF_FFFF_ABCD)]);
    }

    [KernelFact]
    public void Queue_is_first_in_first_out()
    {
        using var queue = BpfQueue<ulong>.Create(3, name: "queue");
        Assert.False(queue.TryPop(out _));
        Assert.False(queue.TryPeek(out _));
        queue.Push(1); queue.Push(2); queue.Push(3);
        var full = Assert.Throws<BpfSyscallException>(() => queue.Push(4));
        Assert.Equal("E2BIG", full.ErrnoName);
        queue.Push(4, overwriteOldest: true);
        Assert.True(queue.TryPeek(out var v));
        Assert.Equal(2UL, v);
        var popped = new List<ulong>();
        while (queue.TryPop(out v)) popped.Add(v);
        Assert.Equal(new ulong[] { 2, 3, 4 }, popped);
    }

    [KernelFact]
    public void Stack_is_last_in_first_out()
    {
        using var stack = BpfStack<Counters>.Create(4, name: "stack");
        stack.Push(new Counters { Packets = 1 });
        stack.Push(new Counters { Packets = 2 });
        Assert.True(stack.TryPeek(out var top));
        Assert.Equal(2UL, top.Packets);
        Assert.True(stack.TryPop(out top));
        Assert.Equal(2UL, top.Packets);
        Assert.True(stack.TryPop(out top));
        Assert.Equal(1UL, top.Packets);
        Assert.False(stack.TryPop(out _));
    }

    [KernelFact]
    public void Bloom_filter_never_misses_an_added_value()
    {
        using var bloom = BpfBloomFilter<uint>.Create(1000, name: "bloom");
        for (uint i = 0; i < 500; i++) bloom.Add(i * 7919);
        for (uint i = 0; i < 500; i++) Assert.True(bloom.MightContain(i * 7919));
        int falsePositives = 0;
        for (uint i = 0; i < 1000; i++) if (bloom.MightContain(1_000_000 + i)) falsePositives++;
        Assert.True(falsePositives < 100, $"{falsePositives} false positives of 1000");
    }
}
