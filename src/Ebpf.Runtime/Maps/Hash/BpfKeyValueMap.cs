using System.Collections;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Operations shared by the maps that hold one value per key (hash, LRU hash, LPM trie): indexer, TryGetValue,
/// Update with flags, Remove, Keys and enumeration. Every element operation is one syscall and allocates nothing.
/// </summary>
public abstract partial class BpfKeyValueMap<TKey, TValue> : BpfMapView, IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : unmanaged where TValue : unmanaged
{
    private protected BpfKeyValueMap(BpfMap map, bool ownsMap) : base(map, ownsMap) { }

    /// <summary>Gets the value (throws <see cref="BpfKeyNotFoundException"/> when absent) or sets it (create or replace).</summary>
    public TValue this[TKey key]
    {
        get => TryGetValue(key, out var value) ? value : throw new BpfKeyNotFoundException(Name, Elements.Describe(in key));
        set => Elements.Update(Fd, in key, in value, BpfUpdateFlags.Any);
    }

    /// <summary>Gets the value stored under <paramref name="key"/>; false when the key is absent.</summary>
    public bool TryGetValue(in TKey key, out TValue value) => Elements.TryLookup(Fd, in key, out value);

    /// <summary>Whether the map holds <paramref name="key"/> (one lookup).</summary>
    public bool ContainsKey(in TKey key) => Elements.TryLookup<TKey, TValue>(Fd, in key, out _);

    /// <summary>
    /// Writes the value. <see cref="BpfUpdateFlags.NoExist"/>: only a new key (EEXIST otherwise);
    /// <see cref="BpfUpdateFlags.Exist"/>: only an existing key (ENOENT otherwise); <see cref="BpfUpdateFlags.Lock"/>:
    /// under the value's bpf_spin_lock.
    /// </summary>
    public void Update(in TKey key, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any) => Elements.Update(Fd, in key, in value, flags);

    /// <summary>Adds the key unless it is there already (BPF_NOEXIST); false when it was.</summary>
    public bool TryAdd(in TKey key, in TValue value)
    {
        try
        {
            Elements.Update(Fd, in key, in value, BpfUpdateFlags.NoExist);
            return true;
        }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EEXIST)
        {
            return false;
        }
    }

    /// <summary>Deletes the key; false when it was not there.</summary>
    public bool Remove(in TKey key) => Elements.Delete(Fd, in key);

    /// <summary>Reads and deletes the value in one step (BPF_MAP_LOOKUP_AND_DELETE_ELEM, hash maps since 5.14).</summary>
    public bool TryRemove(in TKey key, out TValue value)
    {
        System.Runtime.CompilerServices.Unsafe.SkipInit(out value);
        if (BpfSyscall.MapLookupAndDeleteElem(Fd, Elements.Bytes(in key), Elements.Writable(ref value))) return true;
        value = default;
        return false;
    }

    /// <summary>The keys, read from the kernel as they are enumerated.</summary>
    public BpfMapKeys<TKey> Keys => new(Fd);

    /// <summary>Counts the elements by walking the keys (the kernel keeps no count that user space can read).</summary>
    public int Count()
    {
        int n = 0;
        foreach (var _ in Keys) n++;
        return n;
    }

    /// <summary>Deletes every key.</summary>
    public void Clear()
    {
        // Always delete the first key: get_next_key from a deleted key would restart anyway.
        while (Elements.NextKey<TKey>(Fd, true, default, out var key))
            Elements.Delete(Fd, in key);
    }

    /// <summary>Key/value pairs, each read as it is enumerated; a key deleted meanwhile is skipped.</summary>
    public Enumerator GetEnumerator() => new(Fd);

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks the entries in the kernel's key order, one lookup per key; entries changed meanwhile may be seen or missed.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<TKey, TValue>>
    {
        private BpfMapKeys<TKey>.Enumerator _keys;
        private readonly BpfMapFd _fd;
        private KeyValuePair<TKey, TValue> _current;

        internal Enumerator(BpfMapFd fd)
        {
            _fd = fd;
            _keys = new BpfMapKeys<TKey>.Enumerator(fd);
            _current = default;
        }

        /// <summary>The current entry.</summary>
        public readonly KeyValuePair<TKey, TValue> Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Advances to the next key that still has a value; false at the end.</summary>
        public bool MoveNext()
        {
            while (_keys.MoveNext())
            {
                var key = _keys.Current;
                if (Elements.TryLookup(_fd, in key, out TValue value))
                {
                    _current = new KeyValuePair<TKey, TValue>(key, value);
                    return true;
                }
            }
            return false;
        }

        /// <summary>Starts again from the first key.</summary>
        public void Reset() => _keys.Reset();

        /// <summary>Does nothing: the enumerator holds no resources.</summary>
        public readonly void Dispose() { }
    }
}
