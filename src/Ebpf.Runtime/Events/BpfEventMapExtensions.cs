namespace Ebpf;

/// <summary>
/// The event readers of a map. Unlike the typed views, a reader owns what it creates (mappings, perf events,
/// an epoll set) and must be disposed; the map itself stays with the object that loaded it.
/// </summary>
public static class BpfEventMapExtensions
{
    /// <summary>A reader of this BPF_MAP_TYPE_RINGBUF map; <see cref="RingBufferReader.Add"/> adds more rings to it.</summary>
    public static RingBufferReader AsRingBuffer(this BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        MapChecks.Kind(map, "AsRingBuffer", BpfMapType.Ringbuf);
        return new RingBufferReader(map);
    }

    /// <summary>
    /// A reader of this BPF_MAP_TYPE_PERF_EVENT_ARRAY map: opens a BPF output perf event on every online CPU, maps
    /// its ring and stores it in the map at the CPU's index (where <c>bpf_perf_event_output(..., BPF_F_CURRENT_CPU, ...)</c>
    /// finds it). Disposing removes them from the map again.
    /// </summary>
    public static PerfEventReader AsPerfEventArray(this BpfMap map, PerfEventReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        MapChecks.Kind(map, "AsPerfEventArray", BpfMapType.PerfEventArray);
        return new PerfEventReader(map, options ?? new PerfEventReaderOptions());
    }
}
