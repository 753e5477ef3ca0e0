namespace Ebpf.Kernel;

/// <summary>Shared by queue and stack maps: values without keys, pushed and popped.</summary>
public abstract class PushPopMap<TValue> : KernelMap where TValue : unmanaged
{
    private protected readonly LinkedList<TValue> Items = new();
    private readonly bool _lifo;

    private protected PushPopMap(int maxEntries, MapFlags flags, bool lifo) : base(maxEntries, flags) => _lifo = lifo;

    public override int KeySize => 0;
    public override int ValueSize => SizeOf<TValue>();

    /// <summary>Adds a value: bpf_map_push_elem. 0; -E2BIG when full, unless <paramref name="flags"/> is Exist, which drops the oldest to make room.</summary>
    [Helper(87, "map_push_elem")]
    public int Push(in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        if (flags is not (UpdateFlags.Any or UpdateFlags.Exist)) return -Errno.EINVAL;
        lock (Items)
        {
            if (Items.Count >= MaxEntries)
            {
                if (flags != UpdateFlags.Exist) return -Errno.E2BIG;
                Items.RemoveFirst();
            }
            Items.AddLast(value);
            return 0;
        }
    }

    /// <summary>Takes the next value (oldest for a queue, newest for a stack): bpf_map_pop_elem; false when empty (-ENOENT).</summary>
    [Helper(88, "map_pop_elem")]
    public bool TryPop(out TValue value)
    {
        lock (Items)
        {
            if (Items.Count == 0) { value = default; return false; }
            var node = _lifo ? Items.Last! : Items.First!;
            value = node.Value;
            Items.Remove(node);
            return true;
        }
    }

    /// <summary>Reads the next value without taking it: bpf_map_peek_elem; false when empty.</summary>
    [Helper(89, "map_peek_elem")]
    public bool TryPeek(out TValue value)
    {
        lock (Items)
        {
            if (Items.Count == 0) { value = default; return false; }
            value = _lifo ? Items.Last!.Value : Items.First!.Value;
            return true;
        }
    }

    [ManagedOnly]
    public int Count { get { lock (Items) return Items.Count; } }

    [ManagedOnly]
    public override void Clear() { lock (Items) Items.Clear(); }
}

/// <summary>A FIFO queue (BPF_MAP_TYPE_QUEUE).</summary>
[MapKind(MapType.Queue)]
public sealed class QueueMap<TValue>(int maxEntries, MapFlags flags = MapFlags.None) : PushPopMap<TValue>(maxEntries, flags, lifo: false) where TValue : unmanaged
{
    public override MapType Type => MapType.Queue;
}

/// <summary>A LIFO stack (BPF_MAP_TYPE_STACK).</summary>
[MapKind(MapType.Stack)]
public sealed class StackMap<TValue>(int maxEntries, MapFlags flags = MapFlags.None) : PushPopMap<TValue>(maxEntries, flags, lifo: true) where TValue : unmanaged
{
    public override MapType Type => MapType.Stack;
}

/// <summary>
/// A bloom filter (BPF_MAP_TYPE_BLOOM_FILTER): <see cref="Push"/> adds, <see cref="MightContain"/> tests. The kernel's answer may
/// be a false positive; the managed one is exact, so a test that passes managed may still see rare extra hits in the kernel.
/// </summary>
[MapKind(MapType.BloomFilter)]
public sealed class BloomFilter<TValue>(int maxEntries, MapFlags flags = MapFlags.None) : KernelMap(maxEntries, flags) where TValue : unmanaged
{
    private readonly HashSet<TValue> _values = new(BlittableComparer<TValue>.Instance);

    public override MapType Type => MapType.BloomFilter;
    public override int KeySize => 0;
    public override int ValueSize => SizeOf<TValue>();

    /// <summary>bpf_map_push_elem: 0 (a bloom filter never fills up; it only grows less precise).</summary>
    [Helper(87, "map_push_elem")]
    public int Push(in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        if (flags != UpdateFlags.Any) return -Errno.EINVAL;
        lock (_values) _values.Add(value);
        return 0;
    }

    /// <summary>bpf_map_peek_elem returned 0: the value may have been pushed. False means it certainly was not.</summary>
    [Helper(89, "map_peek_elem")]
    public bool MightContain(in TValue value)
    {
        lock (_values) return _values.Contains(value);
    }

    [ManagedOnly]
    public override void Clear() { lock (_values) _values.Clear(); }
}
