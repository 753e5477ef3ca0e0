using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// A perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY): one perf buffer per CPU; <c>maxEntries: 0</c> lets the loader use the
/// number of CPUs, as libbpf does. Managed, events are kept in order for <see cref="Drain"/>.
/// </summary>
[MapKind(MapType.PerfEventArray)]
public sealed class PerfEventArray(int maxEntries = 0) : KernelMap(maxEntries, MapFlags.None, allowZeroEntries: true)
{
    /// <summary>BPF_F_CURRENT_CPU: the buffer of the CPU the program runs on.</summary>
    public const ulong CurrentCpu = 0xffffffff;

    private readonly List<byte[]> _events = new();

    public override MapType Type => MapType.PerfEventArray;
    public override int KeySize => sizeof(uint);
    public override int ValueSize => sizeof(uint);

    /// <summary>Sends <paramref name="data"/> to user space: bpf_perf_event_output(ctx, map, flags, data, size). 0, or -E2BIG for a CPU index out of range.</summary>
    [Helper(25, "perf_event_output")]
    public int Output<T>(BpfContext context, in T data, ulong flags = CurrentCpu) where T : unmanaged
    {
        ulong cpu = flags & 0xffffffff;
        if (cpu != CurrentCpu && cpu >= (ulong)Math.Max(MaxEntries, ManagedCpuCount)) return -Errno.E2BIG;
        lock (_events) _events.Add(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in data)).ToArray());
        return 0;
    }

    /// <summary>Takes every event, oldest first (managed only).</summary>
    [ManagedOnly]
    public IReadOnlyList<byte[]> Drain()
    {
        lock (_events)
        {
            var all = _events.ToArray();
            _events.Clear();
            return all;
        }
    }

    [ManagedOnly]
    public override void Clear()
    {
        lock (_events) _events.Clear();
    }
}
