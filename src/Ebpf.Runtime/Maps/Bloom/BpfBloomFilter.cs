using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_BLOOM_FILTER: values are added and tested, never read back or removed. A test can say yes for
/// a value never added (false positive), never no for one that was.
/// </summary>
public sealed class BpfBloomFilter<T> : BpfMapView where T : unmanaged
{
    internal BpfBloomFilter(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.NoKey(map);
        MapChecks.ValueSize<T>(map);
    }

    /// <summary>Adds <paramref name="value"/> to the filter (entries cannot be removed).</summary>
    public void Add(in T value) => BpfSyscall.MapUpdateElem(Fd, default, Elements.Bytes(in value));

    /// <summary>False: certainly never added. True: probably added.</summary>
    public bool MightContain(in T value)
    {
        // The kernel reads the value to test from the value pointer and writes nothing back.
        T copy = value;
        return BpfSyscall.MapLookupElem(Fd, default, Elements.Writable(ref copy));
    }

    /// <summary>
    /// Creates a bloom filter sized for <paramref name="maxEntries"/> values, with the kernel's default of
    /// 5 hash functions; disposing the view closes it.
    /// </summary>
    public static unsafe BpfBloomFilter<T> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.BloomFilter, 0, sizeof(T), maxEntries, flags, name), ownsMap: true);
}
