namespace Ebpf;

/// <summary>
/// The typed views of a map: each checks the map's kind (a wrong kind names the right method) and the sizes of
/// TKey and TValue against the map's key and value sizes (a mismatch names the map and both sizes). A view
/// borrows the map: the object that loaded it still owns it.
/// </summary>
public static class BpfMapExtensions
{
    /// <summary>Views a hash (or LRU hash) map with keys of type <typeparamref name="TKey"/> and values of type <typeparamref name="TValue"/>.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfHashMap<TKey, TValue> AsHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsHashMap", BpfMapType.Hash, BpfMapType.LruHash);
        return new(map, ownsMap: false);
    }

    /// <summary>Views an LRU hash map with typed keys and values.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfHashMap<TKey, TValue> AsLruHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLruHashMap", BpfMapType.LruHash);
        return new(map, ownsMap: false);
    }

    /// <summary>Views an array map with values of type <typeparamref name="TValue"/>, indexed from 0 to max_entries - 1.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfArray<TValue> AsArray<TValue>(this BpfMap map) where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsArray", BpfMapType.Array);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a per-CPU (or LRU per-CPU) hash map: each key holds one <typeparamref name="TValue"/> per possible CPU.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfPerCpuHashMap<TKey, TValue> AsPerCpuHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsPerCpuHashMap", BpfMapType.PercpuHash, BpfMapType.LruPercpuHash);
        return new(map, ownsMap: false);
    }

    /// <summary>Views an LRU per-CPU hash map: each key holds one <typeparamref name="TValue"/> per possible CPU.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfPerCpuHashMap<TKey, TValue> AsLruPerCpuHashMap<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLruPerCpuHashMap", BpfMapType.LruPercpuHash);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a per-CPU array: each index holds one <typeparamref name="TValue"/> per possible CPU.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfPerCpuArray<TValue> AsPerCpuArray<TValue>(this BpfMap map) where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsPerCpuArray", BpfMapType.PercpuArray);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a longest-prefix-match trie; <typeparamref name="TKey"/> is usually an <see cref="LpmKey{TData}"/>.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfLpmTrie<TKey, TValue> AsLpmTrie<TKey, TValue>(this BpfMap map) where TKey : unmanaged where TValue : unmanaged
    {
        MapChecks.Kind(map, "AsLpmTrie", BpfMapType.LpmTrie);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a queue map (FIFO) of <typeparamref name="T"/> values.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfQueue<T> AsQueue<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsQueue", BpfMapType.Queue);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a stack map (LIFO) of <typeparamref name="T"/> values.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfStack<T> AsStack<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsStack", BpfMapType.Stack);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a bloom filter of <typeparamref name="T"/> values.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfBloomFilter<T> AsBloomFilter<T>(this BpfMap map) where T : unmanaged
    {
        MapChecks.Kind(map, "AsBloomFilter", BpfMapType.BloomFilter);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a program array, the table of tail-call targets.</summary>
    /// <exception cref="BpfException">The map is not a program array.</exception>
    public static BpfProgramArray AsProgramArray(this BpfMap map)
    {
        MapChecks.Kind(map, "AsProgramArray", BpfMapType.ProgArray);
        return new(map, ownsMap: false);
    }

    /// <summary>Views an array of maps: each index holds an inner map.</summary>
    /// <exception cref="BpfException">The map is not an array of maps.</exception>
    public static BpfArrayOfMaps AsArrayOfMaps(this BpfMap map)
    {
        MapChecks.Kind(map, "AsArrayOfMaps", BpfMapType.ArrayOfMaps);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a hash of maps keyed by <typeparamref name="TKey"/>: each key holds an inner map.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfHashOfMaps<TKey> AsHashOfMaps<TKey>(this BpfMap map) where TKey : unmanaged
    {
        MapChecks.Kind(map, "AsHashOfMaps", BpfMapType.HashOfMaps);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a sockmap: an array of sockets for socket redirection.</summary>
    /// <exception cref="BpfException">The map is not a sockmap.</exception>
    public static BpfSockMap AsSockMap(this BpfMap map)
    {
        MapChecks.Kind(map, "AsSockMap", BpfMapType.Sockmap);
        return new(map, ownsMap: false);
    }

    /// <summary>Views a sockhash: sockets keyed by <typeparamref name="TKey"/>, for socket redirection.</summary>
    /// <exception cref="BpfException">The map is of another kind, or the sizes of the type arguments differ from its key or value size.</exception>
    public static BpfSockHash<TKey> AsSockHash<TKey>(this BpfMap map) where TKey : unmanaged
    {
        MapChecks.Kind(map, "AsSockHash", BpfMapType.Sockhash);
        return new(map, ownsMap: false);
    }
}
