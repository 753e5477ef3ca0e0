using System.Collections;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_ARRAY as a fixed-length array of <typeparamref name="TValue"/> indexed by uint. Every index
/// below <see cref="Length"/> exists (zero until written) and cannot be deleted. Get one with
/// <c>map.AsArray&lt;TValue&gt;()</c>, or make one with <see cref="Create"/>.
/// </summary>
public sealed class BpfArray<TValue> : BpfMapView, IEnumerable<TValue> where TValue : unmanaged
{
    internal BpfArray(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<uint>(map);
        MapChecks.ValueSize<TValue>(map);
    }

    /// <summary>max_entries: the number of elements.</summary>
    public uint Length => MaxEntries;

    /// <summary>The element at <paramref name="index"/>; setting it updates the map.</summary>
    /// <exception cref="BpfException"><paramref name="index"/> is not below <see cref="Length"/>.</exception>
    public TValue this[uint index]
    {
        get
        {
            CheckIndex(index);
            Elements.TryLookup(Fd, in index, out TValue value);
            return value;
        }
        set
        {
            CheckIndex(index);
            Elements.Update(Fd, in index, in value, BpfUpdateFlags.Any);
        }
    }

    /// <summary>False only past the end (an array holds every index).</summary>
    public bool TryGetValue(uint index, out TValue value) => Elements.TryLookup(Fd, in index, out value);

    /// <summary>Writes the element; <see cref="BpfUpdateFlags.Lock"/> writes under the value's bpf_spin_lock
    /// (arrays refuse <see cref="BpfUpdateFlags.NoExist"/>: every index exists).</summary>
    public void Update(uint index, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckIndex(index);
        Elements.Update(Fd, in index, in value, flags);
    }

    /// <summary>One round of a batch lookup from <paramref name="cursor"/>; loop until <c>cursor.Done</c>.</summary>
    public int LookupBatch(Span<uint> indexes, Span<TValue> values, ref BpfBatchCursor cursor, BpfUpdateFlags flags = BpfUpdateFlags.Any) =>
        RawBatch.Lookup(Fd, MemoryMarshal.AsBytes(indexes), MemoryMarshal.AsBytes(values), Math.Min(indexes.Length, values.Length), ref cursor, false, flags);

    /// <summary>Every element, read in batches: element i of the result is index i.</summary>
    public TValue[] LookupBatch()
    {
        var values = new TValue[Length];
        var indexes = new uint[Length];
        var cursor = default(BpfBatchCursor);
        int at = 0;
        while (!cursor.Done && at < values.Length)
            at += RawBatch.Lookup(Fd, MemoryMarshal.AsBytes(indexes.AsSpan(at)), MemoryMarshal.AsBytes(values.AsSpan(at)), values.Length - at, ref cursor, false, BpfUpdateFlags.Any);
        return values;
    }

    /// <summary>Writes <c>this[indexes[i]] = values[i]</c> in one syscall; returns how many were written.</summary>
    public int UpdateBatch(ReadOnlySpan<uint> indexes, ReadOnlySpan<TValue> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        if (indexes.Length != values.Length)
            throw new BpfException($"map '{Name}': UpdateBatch got {indexes.Length} indexes but {values.Length} values.");
        foreach (var i in indexes) CheckIndex(i);
        return BpfSyscall.MapUpdateBatch(Fd, MemoryMarshal.AsBytes(indexes), MemoryMarshal.AsBytes(values), indexes.Length, flags);
    }

    /// <summary>Every element in index order, each read as it is enumerated.</summary>
    public IEnumerator<TValue> GetEnumerator()
    {
        for (uint i = 0; i < Length; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void CheckIndex(uint index)
    {
        if (index >= Length) throw new BpfException($"map '{Name}' has {Length} elements; index {index} is out of range.");
    }

    /// <summary>Creates an array map in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfArray<TValue> Create(uint length, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.Array, sizeof(uint), sizeof(TValue), length, flags, name), ownsMap: true);
}
