using System.Collections;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_PERCPU_HASH or LRU_PERCPU_HASH: each key holds one <typeparamref name="TValue"/> per possible
/// CPU, read and written as a <see cref="PerCpu{T}"/> (or a span, to allocate nothing). Programs see only their
/// CPU's value, so counters need no atomics; sum them here with <c>Sum()</c>.
/// </summary>
public sealed class BpfPerCpuHashMap<TKey, TValue> : BpfMapView, IEnumerable<KeyValuePair<TKey, PerCpu<TValue>>>
    where TKey : unmanaged where TValue : unmanaged
{
    internal BpfPerCpuHashMap(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<TKey>(map);
        MapChecks.ValueSize<TValue>(map);
    }

    /// <summary>The values under <paramref name="key"/>, one per possible CPU; setting it updates every CPU's value.</summary>
    /// <exception cref="BpfKeyNotFoundException">Getting a key the map does not hold.</exception>
    public PerCpu<TValue> this[TKey key]
    {
        get => TryGetValue(key, out var value) ? value : throw new BpfKeyNotFoundException(Name, Elements.Describe(in key));
        set => Update(key, value);
    }

    /// <summary>Gets the values under <paramref name="key"/>, one per possible CPU; false when the key is absent.</summary>
    public bool TryGetValue(in TKey key, out PerCpu<TValue> value)
    {
        var v = new PerCpu<TValue>();
        bool found = PerCpuElements.TryLookup(Fd, in key, v.AsSpan());
        value = found ? v : null!;
        return found;
    }

    /// <summary>Copies the key's per-CPU values into <paramref name="perCpu"/> (one element per possible CPU) without allocating.</summary>
    public bool TryGetValue(in TKey key, Span<TValue> perCpu) => PerCpuElements.TryLookup(Fd, in key, perCpu);

    /// <summary>Whether the map holds <paramref name="key"/>.</summary>
    public unsafe bool ContainsKey(in TKey key)
    {
        int n = PossibleCpus.Count;
        Span<TValue> scratch = n * sizeof(TValue) <= PerCpuLayout<TValue>.StackLimit ? stackalloc TValue[n] : new TValue[n];
        return PerCpuElements.TryLookup(Fd, in key, scratch);
    }

    /// <summary>Sets the values under <paramref name="key"/>, one per possible CPU.</summary>
    public void Update(in TKey key, PerCpu<TValue> value, BpfUpdateFlags flags = BpfUpdateFlags.Any) => PerCpuElements.Update(Fd, in key, value.AsSpan(), flags);

    /// <summary>Writes one value per possible CPU without allocating.</summary>
    public void Update(in TKey key, ReadOnlySpan<TValue> perCpu, BpfUpdateFlags flags = BpfUpdateFlags.Any) => PerCpuElements.Update(Fd, in key, perCpu, flags);

    /// <summary>Removes <paramref name="key"/>; false when it was absent.</summary>
    public bool Remove(in TKey key) => Elements.Delete(Fd, in key);

    /// <summary>The keys, in the kernel's iteration order.</summary>
    public BpfMapKeys<TKey> Keys => new(Fd);

    /// <summary>Counts the elements by walking the keys.</summary>
    public int Count()
    {
        int n = 0;
        foreach (var _ in Keys) n++;
        return n;
    }

    /// <summary>Every element, read in batches.</summary>
    public KeyValuePair<TKey, PerCpu<TValue>>[] LookupBatch() => ReadAll(false);

    /// <summary>Every element, read and deleted in batches.</summary>
    public KeyValuePair<TKey, PerCpu<TValue>>[] LookupAndDeleteBatch() => ReadAll(true);

    /// <summary>Writes <c>keys[i] = values[i]</c> in one syscall; returns how many were written.</summary>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<PerCpu<TValue>> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        if (keys.Length != values.Length)
            throw new BpfException($"map '{Name}': UpdateBatch got {keys.Length} keys but {values.Length} values.");
        int size = PerCpuLayout<TValue>.ElementSize;
        var slots = new byte[size * values.Length];
        for (int i = 0; i < values.Length; i++)
            PerCpuLayout<TValue>.Write(values[i].AsSpan(), slots.AsSpan(i * size, size));
        return BpfSyscall.MapUpdateBatch(Fd, System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys), slots, keys.Length, flags);
    }

    /// <summary>Deletes the keys in one syscall; returns how many were deleted.</summary>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => BpfSyscall.MapDeleteBatch(Fd, System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys), keys.Length);

    /// <summary>Enumerates the entries in the kernel's key order, one lookup per key.</summary>
    public IEnumerator<KeyValuePair<TKey, PerCpu<TValue>>> GetEnumerator()
    {
        foreach (var key in Keys)
            if (TryGetValue(key, out var value))
                yield return new(key, value);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private KeyValuePair<TKey, PerCpu<TValue>>[] ReadAll(bool delete)
    {
        int chunk = RawBatch.Chunk(Map);
        var keys = new TKey[chunk];
        var values = new byte[chunk * PerCpuLayout<TValue>.ElementSize];
        var all = new List<KeyValuePair<TKey, PerCpu<TValue>>>();
        var cursor = default(BpfBatchCursor);
        while (!cursor.Done)
        {
            int n = RawBatch.Lookup(Fd, System.Runtime.InteropServices.MemoryMarshal.AsBytes(keys.AsSpan()), values, chunk, ref cursor, delete, BpfUpdateFlags.Any);
            for (int i = 0; i < n; i++) all.Add(new(keys[i], PerCpuElements.ReadAt<TValue>(values, i)));
        }
        return all.ToArray();
    }

    /// <summary>Creates a per-CPU hash map in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfPerCpuHashMap<TKey, TValue> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.PercpuHash, sizeof(TKey), sizeof(TValue), maxEntries, flags, name), ownsMap: true);

    /// <summary>Creates an LRU per-CPU hash map in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfPerCpuHashMap<TKey, TValue> CreateLru(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.LruPercpuHash, sizeof(TKey), sizeof(TValue), maxEntries, flags, name), ownsMap: true);
}
