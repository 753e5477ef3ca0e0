using System.Runtime.InteropServices;

namespace Ebpf.Native.Tests;

public class BatchAndMmapTests
{
    [KernelFact]
    public void Batch_update_lookup_and_delete_on_ten_thousand_entries()
    {
        const int n = 10_000;
        using var map = Programs.Map(BpfMapType.Hash, 4, 8, n, "batch");
        var keys = new uint[n];
        var values = new ulong[n];
        for (int i = 0; i < n; i++) { keys[i] = (uint)i * 7 + 1; values[i] = (ulong)i * 1000; }
        Assert.Equal(n, BpfSyscall.MapUpdateBatch(map, MemoryMarshal.AsBytes(keys.AsSpan()), MemoryMarshal.AsBytes(values.AsSpan()), n));

        var seen = new Dictionary<uint, ulong>();
        const int chunk = 1024;
        var k = new uint[chunk];
        var v = new ulong[chunk];
        var inBatch = new byte[BpfSyscall.BatchTokenSize(map)];
        var outBatch = new byte[BpfSyscall.BatchTokenSize(map)];
        bool first = true;
        while (true)
        {
            var r = BpfSyscall.MapLookupBatch(map, first ? default : inBatch, outBatch, MemoryMarshal.AsBytes(k.AsSpan()), MemoryMarshal.AsBytes(v.AsSpan()), chunk);
            for (int i = 0; i < r.Count; i++) seen.Add(k[i], v[i]);
            if (r.Done) break;
            first = false;
            outBatch.CopyTo(inBatch, 0);
        }
        Assert.Equal(n, seen.Count);
        for (int i = 0; i < n; i++) Assert.Equal(values[i], seen[keys[i]]);

        Assert.Equal(n / 2, BpfSyscall.MapDeleteBatch(map, MemoryMarshal.AsBytes(keys.AsSpan(0, n / 2)), n / 2));
        var value = new byte[8];
        Assert.False(BpfSyscall.MapLookupElem(map, Programs.U32(keys[0]), value));
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(keys[n - 1]), value));

        // Lookup-and-delete empties the rest.
        int drained = 0;
        first = true;
        while (true)
        {
            var r = BpfSyscall.MapLookupAndDeleteBatch(map, first ? default : inBatch, outBatch, MemoryMarshal.AsBytes(k.AsSpan()), MemoryMarshal.AsBytes(v.AsSpan()), chunk);
            drained += r.Count;
            if (r.Done) break;
            first = false;
            outBatch.CopyTo(inBatch, 0);
        }
        Assert.Equal(n - n / 2, drained);
        Assert.False(BpfSyscall.MapGetNextKey(map, default, new byte[4]));
    }

    [KernelFact]
    public void Batch_lookup_of_an_empty_map_is_done_at_once()
    {
        using var map = Programs.Map(BpfMapType.Hash, 4, 8, 16, "empty");
        var r = BpfSyscall.MapLookupBatch(map, default, new byte[4], new byte[64], new byte[128], 16);
        Assert.Equal(new BatchResult(0, true), r);
    }

    [KernelFact]
    public void Mmapable_array_is_shared_with_the_syscalls_both_ways()
    {
        using var map = Programs.Map(BpfMapType.Array, 4, 8, 512, "globals", BpfMapFlags.Mmapable);
        using var mapping = MemoryMapping.Create(map);
        Assert.Equal(8 * 512, mapping.Length);

        BpfSyscall.MapUpdateElem(map, Programs.U32(3), Programs.U64(0x1122334455667788));
        Assert.Equal(0x1122334455667788ul, MemoryMarshal.Read<ulong>(mapping.Span[24..]));

        MemoryMarshal.Write(mapping.Span[(8 * 500)..], 0xCAFEul);
        var value = new byte[8];
        Assert.True(BpfSyscall.MapLookupElem(map, Programs.U32(500), value));
        Assert.Equal(0xCAFEul, BitConverter.ToUInt64(value));
    }

    [KernelFact]
    public void Frozen_mmapable_map_maps_read_only()
    {
        using var map = Programs.Map(BpfMapType.Array, 4, 4, 4, "rodata", BpfMapFlags.Mmapable);
        BpfSyscall.MapUpdateElem(map, Programs.U32(1), Programs.U32(77));
        BpfSyscall.MapFreeze(map);
        var ex = Assert.Throws<BpfSyscallException>(() => MemoryMapping.Create(map, writable: true));
        Assert.Contains("mmap", ex.Message);
        using var ro = MemoryMapping.Create(map, writable: false);
        Assert.Equal(77u, MemoryMarshal.Read<uint>(ro.ReadOnlySpan[8..]));
        Assert.Throws<BpfException>(() => ro.Span.Length);
    }
}
