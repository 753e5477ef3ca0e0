namespace Ebpf.Maps.Tests;

public class ViewErrorTests
{
    [KernelFact]
    public void Wrong_value_size_names_the_map_and_both_sizes()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var e = Assert.Throws<BpfException>(() => bpf.Maps["blocked"].AsHashMap<uint, int>());
        Assert.Equal("map 'blocked' has 8-byte values, but TValue (Int32) is 4 bytes.", e.Message);
        var k = Assert.Throws<BpfException>(() => bpf.Maps["blocked"].AsHashMap<ulong, ulong>());
        Assert.Equal("map 'blocked' has 4-byte keys, but TKey (UInt64) is 8 bytes.", k.Message);
        var a = Assert.Throws<BpfException>(() => bpf.Maps["traffic"].AsArray<ulong>());
        Assert.Equal("map 'traffic' has 16-byte values, but TValue (UInt64) is 8 bytes.", a.Message);
    }

    [KernelFact]
    public void Wrong_kind_names_the_map_its_kind_and_the_right_method()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var e = Assert.Throws<BpfException>(() => bpf.Maps["blocked"].AsArray<ulong>());
        Assert.Equal("map 'blocked' is a Hash map, not an Array map, so AsArray cannot view it; use AsHashMap<TKey, TValue>() instead.", e.Message);
        var t = Assert.Throws<BpfException>(() => bpf.Maps["traffic"].AsPerCpuHashMap<uint, ulong>());
        Assert.Contains("map 'traffic' is an Array map, not a PercpuHash or LruPercpuHash map", t.Message);
        Assert.Contains("use AsArray<TValue>() instead", t.Message);

        using var mim = BpfObject.Load(Fixtures.Path("map_in_map"));
        var r = Assert.Throws<BpfException>(() => mim.Maps["events"].AsQueue<uint>());
        Assert.Contains("map 'events' is a Ringbuf map", r.Message);
        Assert.Contains("use AsRingBuffer() instead", r.Message);
        Assert.Throws<BpfException>(() => mim.Maps["jump_table"].AsArrayOfMaps());
        Assert.Throws<BpfException>(() => mim.Maps["pinned_lru"].AsPerCpuHashMap<uint, ulong>());
    }

    [KernelFact]
    public void Created_views_check_nothing_twice_and_own_their_map()
    {
        var map = BpfHashMap<uint, ulong>.Create(4, name: "owned");
        var fd = map.Map.Fd;
        map.Dispose();
        Assert.True(fd.IsClosed);

        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var borrowed = bpf.Maps["blocked"].AsHashMap<uint, ulong>();
        borrowed.Dispose();
        Assert.False(bpf.Maps["blocked"].Fd.IsClosed); // the object still owns it
    }

    [KernelFact]
    public void Per_cpu_value_of_the_wrong_length_is_refused()
    {
        Assert.Throws<BpfException>(() => new PerCpu<int>(new int[Native.PossibleCpus.Count + 1]));
        var p = new PerCpu<int>();
        Assert.Throws<BpfException>(() => p[Native.PossibleCpus.Count]);
    }
}
