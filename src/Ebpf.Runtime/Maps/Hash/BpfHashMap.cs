using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_HASH or BPF_MAP_TYPE_LRU_HASH as a dictionary of <typeparamref name="TKey"/> to
/// <typeparamref name="TValue"/>. Get one with <c>map.AsHashMap&lt;TKey, TValue&gt;()</c> /
/// <c>AsLruHashMap</c>, or make a map without any object with <see cref="Create"/> / <see cref="CreateLru"/>.
/// Keys are compared by their bytes: keep padding inside a key struct zeroed.
/// </summary>
public sealed class BpfHashMap<TKey, TValue> : BpfKeyValueMap<TKey, TValue>
    where TKey : unmanaged where TValue : unmanaged
{
    internal BpfHashMap(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<TKey>(map);
        MapChecks.ValueSize<TValue>(map);
    }

    /// <summary>True for an LRU hash, which evicts the least recently used key instead of failing when full.</summary>
    public bool IsLru => Type == BpfMapType.LruHash;

    /// <summary>Creates a hash map in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfHashMap<TKey, TValue> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.Hash, sizeof(TKey), sizeof(TValue), maxEntries, flags, name), ownsMap: true);

    /// <summary>Creates an LRU hash map in the kernel; disposing the view closes it.</summary>
    public static unsafe BpfHashMap<TKey, TValue> CreateLru(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.LruHash, sizeof(TKey), sizeof(TValue), maxEntries, flags, name), ownsMap: true);
}
