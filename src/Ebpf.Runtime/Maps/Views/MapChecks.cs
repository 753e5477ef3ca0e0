using System.Runtime.CompilerServices;

namespace Ebpf;

/// <summary>
/// The checks a typed view makes once, when it is made: the map's kind, and the byte sizes of TKey and TValue
/// against key_size and value_size, so element operations later need none.
/// </summary>
internal static class MapChecks
{
    public static void Kind(BpfMap map, string method, params ReadOnlySpan<BpfMapType> accepted)
    {
        foreach (var t in accepted)
            if (map.Type == t) return;
        var wanted = string.Join(" or ", accepted.ToArray().Select(KindName));
        throw new BpfException($"map '{map.Name}' is {Article(KindName(map.Type))} map, not {Article(wanted)} map, so {method} cannot view it; use {RightMethod(map.Type)} instead.");
    }

    public static void KeySize<TKey>(BpfMap map) where TKey : unmanaged => Size<TKey>(map, "key", "TKey", map.KeySize);

    public static void ValueSize<TValue>(BpfMap map) where TValue : unmanaged => Size<TValue>(map, "value", "TValue", map.ValueSize);

    /// <summary>Maps without keys (queue, stack, bloom filter) have key_size 0.</summary>
    public static void NoKey(BpfMap map)
    {
        if (map.KeySize != 0) throw new BpfException($"map '{map.Name}' has {map.KeySize}-byte keys, but a {KindName(map.Type)} map has none.");
    }

    private static void Size<T>(BpfMap map, string what, string parameter, int expected) where T : unmanaged
    {
        int actual = Unsafe.SizeOf<T>();
        if (actual != expected)
            throw new BpfException($"map '{map.Name}' has {expected}-byte {what}s, but {parameter} ({TypeName(typeof(T))}) is {actual} bytes.");
    }

    /// <summary>"Int32", "LpmKey&lt;UInt32&gt;": short names for messages.</summary>
    public static string TypeName(Type t) => !t.IsGenericType ? t.Name
        : $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>";

    private static string Article(string word) => (word.Length > 0 && "AEIOU".Contains(char.ToUpperInvariant(word[0])) ? "an " : "a ") + word;

    private static string KindName(BpfMapType type) => Enum.IsDefined(type) ? type.ToString() : $"type {(int)type}";

    /// <summary>The view method that fits a map of this kind.</summary>
    public static string RightMethod(BpfMapType type) => type switch
    {
        BpfMapType.Hash => "AsHashMap<TKey, TValue>()",
        BpfMapType.LruHash => "AsLruHashMap<TKey, TValue>()",
        BpfMapType.Array => "AsArray<TValue>()",
        BpfMapType.PercpuHash => "AsPerCpuHashMap<TKey, TValue>()",
        BpfMapType.LruPercpuHash => "AsLruPerCpuHashMap<TKey, TValue>()",
        BpfMapType.PercpuArray => "AsPerCpuArray<TValue>()",
        BpfMapType.LpmTrie => "AsLpmTrie<TKey, TValue>()",
        BpfMapType.Queue => "AsQueue<T>()",
        BpfMapType.Stack => "AsStack<T>()",
        BpfMapType.BloomFilter => "AsBloomFilter<T>()",
        BpfMapType.ProgArray => "AsProgramArray()",
        BpfMapType.ArrayOfMaps => "AsArrayOfMaps()",
        BpfMapType.HashOfMaps => "AsHashOfMaps<TKey>()",
        BpfMapType.Sockmap => "AsSockMap()",
        BpfMapType.Sockhash => "AsSockHash<TKey>()",
        BpfMapType.Ringbuf => "AsRingBuffer()",
        BpfMapType.PerfEventArray => "AsPerfEventArray()",
        _ => "the byte-level methods of BpfMap (TryLookup, Update, Delete, NextKey): there is no typed view for this kind",
    };
}
