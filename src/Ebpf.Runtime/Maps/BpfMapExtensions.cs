namespace Ebpf;

/// <summary>
/// The typed views of a map: each checks the map's kind (a wrong kind names the right method) and the sizes of
/// TKey and TValue against the map's key and value sizes (a mismatch names the map and both sizes). A view
/// borrows the map: the object that loaded it still owns it.
/// </summary>
public static class BpfMapExtensions
{
    public static BpfHashMap<TKey, TValue> AsHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsHashMap", BpfMapType.Hash, BpfMapType.LruHash);
        return new(map, ownsMap: false);
    }

    public static BpfHashMap<TKey, TValue> AsLruHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLruHashMap", BpfMapType.LruHash);
        return new(map, ownsMap: false);
    }

    public static BpfArray<TValue> AsArray<TValue>(this BpfMap map) where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsArray", BpfMapType.Array);
        return new(map, ownsMap: false);
    }

    public static BpfPerCpuHashMap<TKey, TValue> AsPerCpuHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsPerCpuHashMap", BpfMapType.PercpuHash, BpfMapType.LruPercpuHash);
        return new(map, ownsMap: false);
    }

    public static BpfPerCpuHashMap<TKey, TValue> AsLruPerCpuHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLruPerCpuHashMap", BpfMapType.LruPercpuHash);
        return new(map, ownsMap: false);
    }

    public static BpfPerCpuArray<TValue> AsPerCpuArray<TValue>(this BpfMap map) where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsPerCpuArray", BpfMapType.PercpuArray);
        return new(map, ownsMap: false);
    }

    public static BpfLpmTrie<TKey, TValue> AsLpmTrie<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLpmTrie", BpfMapType.LpmTrie);
        return new(map, ownsMap: false);
    }

    public static BpfQueue<T> AsQueue<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsQueue", BpfMapType.Queue);
        return new(map, ownsMap: false);
    }

    public static BpfStack<T> AsStack<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsStack", BpfMapType.Stack);
        return new(map, ownsMap: false);
    }

    public static BpfBloomFilter<T> AsBloomFilter<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsBloomFilter", BpfMapType.BloomFilter);
        return new(map, ownsMap: false);
    }

    public static BpfProgramArray AsProgramArray(this BpfMap map)
    {
        MapChecks.Kind(map, "AsProgramArray", BpfMapType.ProgArray);
        return new(map, ownsMap: false);
    }

    public static BpfArrayOfMaps AsArrayOfMaps(this BpfMap map)
    {
        MapChecks.Kind(map, "AsArrayOfMaps", BpfMapType.ArrayOfMaps);
        return new(map, ownsMap: false);
    }

    public static BpfHashOfMaps<TKey> AsHashOfMaps<TKey>(this BpfMap map) where TKey : unmanaged
    {
        MapChecks.Kind(map, "AsHashOfMaps", BpfMapType.HashOfMaps);
        return new(map, ownsMap: false);
    }

    public static BpfSockMap AsSockMap(this BpfMap map)
    {
        MapChecks.Kind(map, "AsSockMap", BpfMapType.Sockmap);
        return new(map, ownsMap: false);
    }

    public static BpfSockHash<TKey> AsSockHash<TKey>(this BpfMap map) where TKey : unmanaged
    {
        MapChecks.Kind(map, "AsSockHash", BpfMapType.Sockhash);
        return new(map, ownsMap: false);
    }
}
