using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// The operations of hash maps (plain, LRU, per-CPU). Keys compare byte for byte, as in the kernel. Each element is its own
/// object, so a <c>ref</c> from <see cref="Lookup"/> stays valid after later updates, like the kernel's value pointer
/// (and, like it, sees the old value once the element is replaced or removed).
/// </summary>
public abstract class HashMapBase<TKey, TValue> : KernelMap where TKey : unmanaged where TValue : unmanaged
{
    private sealed class Element(TValue value)
    {
        public TValue Value = value;
        public long LastUsed;
    }

    private readonly Dictionary<TKey, Element> _elements = new(BlittableComparer<TKey>.Instance);
    private readonly bool _lru;
    private long _clock;

    private protected HashMapBase(int maxEntries, MapFlags flags, bool lru) : base(maxEntries, flags) => _lru = lru;

    public override int KeySize => SizeOf<TKey>();
    public override int ValueSize => SizeOf<TValue>();

    /// <summary>
    /// The value stored for <paramref name="key"/>, as a reference into the map (writes through it change the map), or a
    /// null reference when the key is missing: test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>, which the compiler
    /// lowers to the null check the verifier demands. bpf_map_lookup_elem.
    /// </summary>
    [Helper(1, "map_lookup_elem")]
    public ref TValue Lookup(in TKey key)
    {
        lock (_elements)
        {
            if (!_elements.TryGetValue(key, out var e)) return ref Unsafe.NullRef<TValue>();
            e.LastUsed = ++_clock;
            return ref e.Value;
        }
    }

    /// <summary>A copy of the value for <paramref name="key"/>; false (and default) when missing.</summary>
    [Intrinsic(IntrinsicKind.MapTryGetValue)]
    public bool TryGetValue(in TKey key, out TValue value)
    {
        ref var v = ref Lookup(key);
        if (Unsafe.IsNullRef(ref v))
        {
            value = default;
            return false;
        }
        value = v;
        return true;
    }

    [Intrinsic(IntrinsicKind.MapContainsKey)]
    public bool ContainsKey(in TKey key) => !Unsafe.IsNullRef(ref Lookup(key));

    /// <summary>
    /// Creates or replaces the element, as <paramref name="flags"/> allow: bpf_map_update_elem. 0, or -EEXIST (NoExist, key there),
    /// -ENOENT (Exist, key missing), -E2BIG (full; an LRU map evicts its least recently used element instead), -EINVAL (bad flags).
    /// </summary>
    [Helper(2, "map_update_elem")]
    public int Update(in TKey key, in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        var mode = flags & ~UpdateFlags.Lock;
        if (mode > UpdateFlags.Exist || (flags & ~(UpdateFlags.NoExist | UpdateFlags.Exist | UpdateFlags.Lock)) != 0) return -Errno.EINVAL;
        lock (_elements)
        {
            bool exists = _elements.ContainsKey(key);
            if (exists && mode == UpdateFlags.NoExist) return -Errno.EEXIST;
            if (!exists && mode == UpdateFlags.Exist) return -Errno.ENOENT;
            if (!exists && _elements.Count >= MaxEntries)
            {
                if (!_lru) return -Errno.E2BIG;
                var oldest = _elements.MinBy(kv => kv.Value.LastUsed).Key;
                _elements.Remove(oldest);
            }
            _elements[key] = new Element(value) { LastUsed = ++_clock };
            return 0;
        }
    }

    /// <summary>Deletes the element: bpf_map_delete_elem; true when it was there (the helper returned 0, not -ENOENT).</summary>
    [Helper(3, "map_delete_elem")]
    public bool Remove(in TKey key)
    {
        lock (_elements) return _elements.Remove(key);
    }

    /// <summary>Number of elements (managed only).</summary>
    [ManagedOnly]
    public int Count
    {
        get { lock (_elements) return _elements.Count; }
    }

    /// <summary>A copy of the contents (managed only, for assertions).</summary>
    [ManagedOnly]
    public IReadOnlyDictionary<TKey, TValue> ToDictionary()
    {
        lock (_elements) return _elements.ToDictionary(kv => kv.Key, kv => kv.Value.Value, BlittableComparer<TKey>.Instance);
    }

    [ManagedOnly]
    public override void Clear()
    {
        lock (_elements) _elements.Clear();
    }

    // The kernel idiom for counters: lookup, atomic add; when missing insert with BPF_NOEXIST and, if another CPU won, add again.
    internal ref TValue LookupOrInsert(in TKey key, in TValue initial, out bool inserted)
    {
        inserted = false;
        ref var v = ref Lookup(key);
        if (!Unsafe.IsNullRef(ref v)) return ref v;
        int r = Update(key, initial, UpdateFlags.NoExist);
        if (r == 0)
        {
            inserted = true;
            return ref Unsafe.NullRef<TValue>();
        }
        return ref Lookup(key);
    }
}

/// <summary>A hash map (BPF_MAP_TYPE_HASH): <c>[Map] static readonly HashMap&lt;uint, ulong&gt; Blocked = new(maxEntries: 1024);</c></summary>
[MapKind(MapType.Hash)]
public sealed class HashMap<TKey, TValue>(int maxEntries, MapFlags flags = MapFlags.None)
    : HashMapBase<TKey, TValue>(maxEntries, flags, lru: false) where TKey : unmanaged where TValue : unmanaged
{
    public override MapType Type => MapType.Hash;
}

/// <summary>A hash map that evicts its least recently used element when full (BPF_MAP_TYPE_LRU_HASH).</summary>
[MapKind(MapType.LruHash)]
public sealed class LruHashMap<TKey, TValue>(int maxEntries, MapFlags flags = MapFlags.None)
    : HashMapBase<TKey, TValue>(maxEntries, flags, lru: true) where TKey : unmanaged where TValue : unmanaged
{
    public override MapType Type => MapType.LruHash;
}

/// <summary>
/// A hash map with one value per CPU (BPF_MAP_TYPE_PERCPU_HASH): a program sees its CPU's value, so updates need no atomics.
/// Managed runs simulate one CPU (<see cref="KernelMap.ManagedCpuCount"/>).
/// </summary>
[MapKind(MapType.PerCpuHash)]
public sealed class PerCpuHashMap<TKey, TValue>(int maxEntries, MapFlags flags = MapFlags.None)
    : HashMapBase<TKey, TValue>(maxEntries, flags, lru: false) where TKey : unmanaged where TValue : unmanaged
{
    public override MapType Type => MapType.PerCpuHash;

    /// <summary>The value of another CPU: bpf_map_lookup_percpu_elem. Null reference past the last CPU.</summary>
    [Helper(195, "map_lookup_percpu_elem")]
    public ref TValue LookupOnCpu(in TKey key, uint cpu) => ref cpu < ManagedCpuCount ? ref Lookup(key) : ref Unsafe.NullRef<TValue>();
}

/// <summary>An LRU hash map with one value per CPU (BPF_MAP_TYPE_LRU_PERCPU_HASH).</summary>
[MapKind(MapType.LruPerCpuHash)]
public sealed class LruPerCpuHashMap<TKey, TValue>(int maxEntries, MapFlags flags = MapFlags.None)
    : HashMapBase<TKey, TValue>(maxEntries, flags, lru: true) where TKey : unmanaged where TValue : unmanaged
{
    public override MapType Type => MapType.LruPerCpuHash;

    [Helper(195, "map_lookup_percpu_elem")]
    public ref TValue LookupOnCpu(in TKey key, uint cpu) => ref cpu < ManagedCpuCount ? ref Lookup(key) : ref Unsafe.NullRef<TValue>();
}
