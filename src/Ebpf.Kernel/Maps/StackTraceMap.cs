namespace Ebpf.Kernel;

/// <summary>
/// Call stacks by id (BPF_MAP_TYPE_STACK_TRACE): <see cref="GetStackId"/> stores the current stack and gives its id, which
/// a program puts in its events; user space reads the addresses by id. Each value holds <paramref name="depth"/> 8-byte
/// addresses (127 by default, the kernel's perf_event_max_stack).
/// </summary>
[MapKind(MapType.StackTrace)]
public sealed class StackTraceMap(int maxEntries, int depth = 127) : KernelMap(maxEntries, MapFlags.None)
{
    /// <summary>BPF_F_REUSE_STACKID: replace the stack stored under a colliding id.</summary>
    public const ulong ReuseStackId = 1 << 10;

    private readonly Dictionary<int, ulong[]> _stacks = [];

    public override MapType Type => MapType.StackTrace;
    public override int KeySize => sizeof(uint);
    public override int ValueSize => depth * sizeof(ulong);

    /// <summary>
    /// Stores the current stack (the kernel's, or with <see cref="Bpf.UserStack"/> the user's; the low 8 bits of flags skip
    /// frames) and returns its id (bpf_get_stackid), or -EEXIST when another stack holds the id, -EFAULT for an empty stack.
    /// </summary>
    [Helper(27, "get_stackid"), ContextArgument]
    public long GetStackId(ulong flags = 0)
    {
        var k = ManagedKernel.Current;
        var frames = ((flags & Bpf.UserStack) != 0 ? k.UserStack : k.KernelStack).Skip((int)(flags & 0xff)).Take(depth).ToArray();
        if (frames.Length == 0) return -Errno.EFAULT;
        var hash = frames.Aggregate(17L, (h, f) => h * 31 + (long)f);
        var id = (int)((ulong)hash % (ulong)MaxEntries);
        lock (_stacks)
        {
            if (_stacks.TryGetValue(id, out var known) && !known.SequenceEqual(frames) && (flags & ReuseStackId) == 0) return -Errno.EEXIST;
            _stacks[id] = frames;
        }
        return id;
    }

    /// <summary>The addresses stored under <paramref name="id"/>, innermost first, or null.</summary>
    [ManagedOnly]
    public ulong[]? Stack(int id)
    {
        lock (_stacks) return _stacks.TryGetValue(id, out var s) ? s : null;
    }

    [ManagedOnly]
    public override void Clear()
    {
        lock (_stacks) _stacks.Clear();
    }
}
