namespace Ebpf;

/// <summary>A PERF_RECORD_LOST record: the kernel dropped <see cref="Count"/> records of <see cref="Cpu"/> because its ring was full.</summary>
public sealed class PerfRecordsLostEventArgs(int cpu, ulong count) : EventArgs
{
    /// <summary>The CPU whose ring overflowed.</summary>
    public int Cpu { get; } = cpu;

    /// <summary>How many records the kernel dropped.</summary>
    public ulong Count { get; } = count;
}
