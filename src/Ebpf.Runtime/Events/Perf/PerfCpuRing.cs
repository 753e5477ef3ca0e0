using Ebpf.Native;

namespace Ebpf;

/// <summary>One CPU's perf event of a <see cref="PerfEventReader"/>: the descriptor, its mapped ring and the tail this process owns.</summary>
internal sealed unsafe class PerfCpuRing(PerfEventFd perfEvent, PerfRingMapping mapping)
{
    // struct perf_event_header: type (u32), misc (u16), size (u16); the record types the readers meet.
    public const int HeaderSize = 8;
    public const uint RecordLost = 2, RecordSample = 9;

    /// <summary>A sample's header, then PERF_SAMPLE_RAW's u32 size, then the bytes.</summary>
    public const int SampleHeaderSize = HeaderSize + 4;

    public int Cpu => PerfEvent.Cpu;

    public PerfEventFd PerfEvent { get; } = perfEvent;

    public PerfRingMapping Mapping { get; } = mapping;

    // Plain fields (not properties over the SafeHandle): the readers' loops load them once per record.
    public readonly byte* Data = mapping.Data;
    public readonly ulong Mask = (ulong)mapping.Size - 1;
    public readonly ulong* HeadPosition = mapping.Head;
    public readonly ulong* TailPosition = mapping.Tail;

    /// <summary>Only this process writes data_tail, so a copy is kept here.</summary>
    public ulong Tail = *mapping.Tail;

    /// <summary>data_head as TryRead read it last (acquire): records below it are complete.</summary>
    public ulong Limit;

    public bool HasData => Volatile.Read(ref *HeadPosition) != Tail;
}
