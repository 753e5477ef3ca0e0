using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_HASH_OF_MAPS: keys of <typeparamref name="TKey"/> to maps shaped like the template the outer
/// map was created with. Set a key to a map; reading a key gives the inner map's id.
/// </summary>
public sealed class BpfHashOfMaps<TKey> : BpfMapView where TKey : unmanaged
{
    internal BpfHashOfMaps(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<TKey>(map);
        MapChecks.ValueSize<uint>(map);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="inner"/>; <see cref="BpfUpdateFlags.NoExist"/> only adds.</summary>
    public void Set(in TKey key, BpfMap inner, BpfUpdateFlags flags = BpfUpdateFlags.Any) => FdValue.Update(Fd, in key, inner.Fd, flags);

    /// <summary>Sets the key to the map of a typed view.</summary>
    public void Set(in TKey key, BpfMapView inner, BpfUpdateFlags flags = BpfUpdateFlags.Any) => Set(key, inner.Map, flags);

    /// <summary>Removes the inner map stored under <paramref name="key"/>; false when the key was absent.</summary>
    public bool Remove(in TKey key) => Elements.Delete(Fd, in key);

    /// <summary>The id of the map under the key, or null when the key is absent.</summary>
    public uint? GetId(in TKey key) => Elements.TryLookup(Fd, in key, out uint id) ? id : null;

    /// <summary>Whether an inner map is stored under <paramref name="key"/>.</summary>
    public bool ContainsKey(in TKey key) => GetId(key) is not null;

    /// <summary>The keys, in the kernel's iteration order.</summary>
    public BpfMapKeys<TKey> Keys => new(Fd);

    /// <summary>Creates a hash of maps whose values are maps shaped like <paramref name="innerTemplate"/>; disposing the view closes it.</summary>
    public static unsafe BpfHashOfMaps<TKey> Create(uint maxEntries, BpfMap innerTemplate, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.HashOfMaps, sizeof(TKey), sizeof(uint), maxEntries, flags, name, innerTemplate), ownsMap: true);
}
