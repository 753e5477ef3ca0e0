using System.Collections;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_PERCPU_ARRAY: a fixed-length array whose every element holds one <typeparamref name="TValue"/>
/// per possible CPU, read and written as a <see cref="PerCpu{T}"/> (or a span, to allocate nothing).
/// </summary>
public sealed class BpfPerCpuArray<TValue> : BpfMapView, IEnumerable<PerCpu<TValue>> where TValue : unmanaged
{
    internal BpfPerCpuArray(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<uint>(map);
        MapChecks.ValueSize<TValue>(map);
    }

    /// <summary>max_entries: the number of elements.</summary>
    public uint Length => MaxEntries;

    /// <summary>The element at <paramref name="index"/>, one value per possible CPU; setting it updates every CPU's value.</summary>
    /// <exception cref="BpfException"><paramref name="index"/> is not below <see cref="Length"/>.</exception>
    public PerCpu<TValue> this[uint index]
    {
        get
        {
            CheckIndex(index);
            var value = new PerCpu<TValue>();
            PerCpuElements.TryLookup(Fd, in index, value.AsSpan());
            return value;
        }
        set => Update(index, value);
    }

    /// <summary>Copies the element's per-CPU values into <paramref name="perCpu"/> without allocating.</summary>
    public bool TryGetValue(uint index, Span<TValue> perCpu) => PerCpuElements.TryLookup(Fd, in index, perCpu);

    /// <summary>Sets the element at <paramref name="index"/> to <paramref name="value"/>, one value per possible CPU.</summary>
    public void Update(uint index, PerCpu<TValue> value, BpfUpdateFlags flags = BpfUpdateFlags.Any) => Update(index, (ReadOnlySpan<TValue>)value.AsSpan(), flags);

    /// <summary>Sets the element at <paramref name="index"/> from <paramref name="perCpu"/>, one value per possible CPU, without allocating.</summary>
    public void Update(uint index, ReadOnlySpan<TValue> perCpu, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckIndex(index);
        PerCpuElements.Update(Fd, in index, perCpu, flags);
    }

    /// <summary>Every element, read in batches: element i of the result is index i.</summary>
    public PerCpu<TValue>[] LookupBatch()
    {
        int size = PerCpuLayout<TValue>.ElementSize;
        var indexes = new uint[Length];
        var slots = new byte[size * (int)Length];
        var cursor = default(BpfBatchCursor);
        int at = 0;
        while (!cursor.Done && at < indexes.Length)
            at += RawBatch.Lookup(Fd, System.Runtime.InteropServices.MemoryMarshal.AsBytes(indexes.AsSpan(at)), slots.AsSpan(at * size), indexes.Length - at, ref cursor, false, BpfUpdateFlags.Any);
        var result = new PerCpu<TValue>[at];
        for (int i = 0; i < at; i++) result[i] = PerCpuElements.ReadAt<TValue>(slots, i);
        return result;
    }

    /// <summary>Writes <c>this[indexes[i]] = values[i]</c> in one syscall; returns how many were written.</summary>
    public int UpdateBatch(ReadOnlySpan<uint> indexes, ReadOnlySpan<PerCpu<TValue>> values, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        if (indexes.Length != values.Length)
            throw new BpfException($"map '{Name}': UpdateBatch got {indexes.Length} indexes but {values.Length} values.");
        foreach (var i in indexes) CheckIndex(i);
        int size = PerCpuLayout<TValue>.ElementSize;
        var slots = new byte[size * values.Length];
        for (int i = 0; i < values.Length; i++)
            PerCpuLayout<TValue>.Write(values[i].AsSpan(), slots.AsSpan(i * size, size));
        return BpfSyscall.MapUpdateBatch(Fd, System.Runtime.InteropServices.MemoryMarshal.AsBytes(indexes), slots, indexes.Length, flags);
    }

    /// <summary>Enumerates the elements in index order, one lookup each.</summary>
    public IEnumerator<PerCpu<TValue>> GetEnumerator()
    {
        for (uint i = 0; i < Length; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void CheckIndex(uint index)
    {
        if (index >= Length) throw new BpfException($"map '{Name}' has {Length} elements; index {index} is out of range.");
    }

    /// <summary>Creates a per-CPU array in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfPerCpuArray<TValue> Create(uint length, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.PercpuArray, sizeof(uint), sizeof(TValue), length, flags, name), ownsMap: true);
}
