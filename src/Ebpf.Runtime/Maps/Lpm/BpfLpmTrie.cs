using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_LPM_TRIE: keys are prefixes (usually <see cref="LpmKey{TData}"/>, or any struct starting with
/// a u32 prefix length); a lookup returns the value of the longest stored prefix that matches the key's data.
/// The kernel has no batch operations for this map kind.
/// </summary>
public sealed class BpfLpmTrie<TKey, TValue> : BpfKeyValueMap<TKey, TValue>
    where TKey : unmanaged where TValue : unmanaged
{
    internal BpfLpmTrie(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<TKey>(map);
        MapChecks.ValueSize<TValue>(map);
    }

    /// <summary>Creates an LPM trie in the kernel (BPF_F_NO_PREALLOC is added: the kernel requires it); disposing the view closes it.</summary>
    public static unsafe BpfLpmTrie<TKey, TValue> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.LpmTrie, sizeof(TKey), sizeof(TValue), maxEntries, flags | BpfMapFlags.NoPrealloc, name), ownsMap: true);
}
