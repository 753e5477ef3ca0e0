using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

// Batch operations (BPF_MAP_*_BATCH, 5.6+): one syscall for many elements.
public abstract partial class BpfKeyValueMap<TKey, TValue>
{
    /// <summary>
    /// One round of a batch lookup: fills <paramref name="keys"/> and <paramref name="values"/> from where
    /// <paramref name="cursor"/> stands and returns how many it copied. Loop until <c>cursor.Done</c>.
    /// </summary>
    public int LookupBatch(Span<TKey> keys, Span<TValue> values, ref BpfBatchCursor cursor, BpfUpdateFlags flags = BpfUpdateFlags.Any) =>
        RawBatch.Lookup(Fd, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), Math.Min(keys.Length, values.Length), ref cursor, false, flags);

    /// <summary>As <see cref="LookupBatch(Span{TKey}, Span{TValue}, ref BpfBatchCursor, BpfUpdateFlags)"/>, deleting what it returns.</summary>
    public int LookupAndDeleteBatch(Span<TKey> keys, Span<TValue> values, ref BpfBatchCursor cursor, BpfUpdateFlags flags = BpfUpdateFlags.Any) =>
        RawBatch.Lookup(Fd, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), Math.Min(keys.Length, values.Length), ref cursor, true, flags);

    /// <summary>Every element, read in batches.</summary>
    public KeyValuePair<TKey, TValue>[] LookupBatch() => ReadAll(delete: false);

    /// <summary>Every element, read and deleted in batches.</summary>
    public KeyValuePair<TKey, TValue>[] LookupAndDeleteBatch() => ReadAll(delete: true);

    /// <summary>Writes <c>keys[i] = values[i]</c> for every i in one syscall; returns how many were written.</summary>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        if (keys.Length != values.Length)
            throw new BpfException($"map '{Name}': UpdateBatch got {keys.Length} keys but {values.Length} values.");
        return BpfSyscall.MapUpdateBatch(Fd, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), keys.Length, flags);
    }

    /// <summary>Deletes the keys in one syscall; a missing key stops it with ENOENT. Returns how many were deleted.</summary>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => BpfSyscall.MapDeleteBatch(Fd, MemoryMarshal.AsBytes(keys), keys.Length);

    private KeyValuePair<TKey, TValue>[] ReadAll(bool delete)
    {
        int chunk = RawBatch.Chunk(Map);
        var keys = new TKey[chunk];
        var values = new TValue[chunk];
        var all = new List<KeyValuePair<TKey, TValue>>();
        var cursor = default(BpfBatchCursor);
        while (!cursor.Done)
        {
            int n = RawBatch.Lookup(Fd, MemoryMarshal.AsBytes(keys.AsSpan()), MemoryMarshal.AsBytes(values.AsSpan()), chunk, ref cursor, delete, BpfUpdateFlags.Any);
            for (int i = 0; i < n; i++) all.Add(new(keys[i], values[i]));
        }
        return all.ToArray();
    }
}
