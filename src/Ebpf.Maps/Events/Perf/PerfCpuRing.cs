using Ebpf.Native;

namespace Ebpf;

/// <summary>One CPU's perf event of a <see cref="PerfEventReader"/>: the descriptor, its mapped ring and the tail this process owns.</summary>
internal sealed unsafe class PerfCpuRing(PerfEventFd perfEvent, PerfRingMapping mapping)
{
    // struct perf_event_header: type (u32), misc (u16), size (u16); the record types the readers meet.
    public const int HeaderSize = 8;
    public const uint RecordLost = 2, RecordSample = 9;

    public int Cpu => PerfEvent.Cpu;

    public PerfEventFd PerfEvent { get; } = perfEvent;

    public PerfRingMapping Mapping { get; } = mapping;

    public byte* Data { get; } = mapping.Data;

    public ulong Mask { get; } = (ulong)mapping.Size - 1;

    /// <summary>Only this process writes data_tail, so a copy is kept here.</summary>
    public ulong Tail = *mapping.Tail;

    public bool HasData => Volatile.Read(ref *Mapping.Head) != Tail;
}
