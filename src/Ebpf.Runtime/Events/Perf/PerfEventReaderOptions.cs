namespace Ebpf;

/// <summary>How a <see cref="PerfEventReader"/> sets up each CPU's perf ring.</summary>
public sealed record PerfEventReaderOptions
{
    /// <summary>Data pages per CPU ring (a power of 2; the ring has one more page for its metadata). Default 8.</summary>
    public int PagesPerCpu { get; init; } = 8;

    /// <summary>Wake a waiting reader after this many records (default 1: every record). Ignored when <see cref="WakeupWatermark"/> is set.</summary>
    public uint WakeupEvents { get; init; } = 1;

    /// <summary>
    /// Wake a waiting reader once this many bytes are in a CPU's ring instead of counting records (0: off). Fewer bytes
    /// wait for the next wake-up, as with libbpf; <see cref="BpfEventReader.Consume(RecordHandler)"/> takes them at once.
    /// </summary>
    public uint WakeupWatermark { get; init; }
}
