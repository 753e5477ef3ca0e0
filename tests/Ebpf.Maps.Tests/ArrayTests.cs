using Ebpf.Native;

namespace Ebpf.Maps.Tests;

public class ArrayTests
{
    [KernelFact]
    public void Indexer_Update_enumeration_and_bounds()
    {
        using var array = BpfArray<ulong>.Create(8, name: "arr");
        Assert.Equal(8u, array.Length);
        Assert.Equal(0UL, array[7]);
        array[3] = 33;
        array.Update(4, 44, BpfUpdateFlags.Exist);
        Assert.Equal(new ulong[] { 0, 0, 0, 33, 44, 0, 0, 0 }, array.ToArray());
        Assert.True(array.TryGetValue(3, out var v));
        Assert.Equal(33UL, v);
        Assert.False(array.TryGetValue(8, out _));

        var e = Assert.Throws<BpfException>(() => array[8]);
        Assert.Equal("map 'arr' has 8 elements; index 8 is out of range.", e.Message);
        Assert.Throws<BpfException>(() => array[100] = 1);

        // Every index exists: NoExist is refused by the kernel.
        var noExist = Assert.Throws<BpfSyscallException>(() => array.Update(1, 1, BpfUpdateFlags.NoExist));
        Assert.Equal("EEXIST", noExist.ErrnoName);
    }

    [KernelFact]
    public void Batch_update_and_lookup()
    {
        using var array = BpfArray<uint>.Create(300, name: "arr_batch");
        var indexes = Enumerable.Range(0, 300).Select(i => (uint)i).ToArray();
        var values = indexes.Select(i => i * i).ToArray();
        Assert.Equal(300, array.UpdateBatch(indexes, values));
        Assert.Equal(values, array.LookupBatch());

        var idx = new uint[128];
        var got = new uint[128];
        var cursor = default(BpfBatchCursor);
        int total = 0;
        while (!cursor.Done)
        {
            int n = array.LookupBatch(idx, got, ref cursor);
            for (int i = 0; i < n; i++) Assert.Equal(idx[i] * idx[i], got[i]);
            total += n;
        }
        Assert.Equal(300, total);
    }
}
