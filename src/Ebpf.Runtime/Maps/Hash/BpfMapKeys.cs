using System.Collections;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// The keys of a map, read with BPF_MAP_GET_NEXT_KEY as they are enumerated (never cached). foreach over it
/// allocates nothing. A key deleted during enumeration makes a hash map start over from its first key.
/// </summary>
public readonly struct BpfMapKeys<TKey> : IEnumerable<TKey> where TKey : unmanaged
{
    private readonly BpfMapFd _fd;

    internal BpfMapKeys(BpfMapFd fd) => _fd = fd;

    /// <summary>Enumerates the keys in the kernel's iteration order, without allocating.</summary>
    public Enumerator GetEnumerator() => new(_fd);

    IEnumerator<TKey> IEnumerable<TKey>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks the keys with BPF_MAP_GET_NEXT_KEY; keys added or removed meanwhile may be seen or missed.</summary>
    public struct Enumerator : IEnumerator<TKey>
    {
        private readonly BpfMapFd _fd;
        private TKey _current;
        private bool _started;

        internal Enumerator(BpfMapFd fd)
        {
            _fd = fd;
            _current = default;
            _started = false;
        }

        /// <summary>The current key.</summary>
        public readonly TKey Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Advances to the next key; false at the end.</summary>
        public bool MoveNext()
        {
            bool found = Elements.NextKey(_fd, !_started, in _current, out var next);
            _started = true;
            if (found) _current = next;
            return found;
        }

        /// <summary>Starts again from the first key.</summary>
        public void Reset() { _started = false; _current = default; }

        /// <summary>Does nothing: the enumerator holds no resources.</summary>
        public readonly void Dispose() { }
    }
}
