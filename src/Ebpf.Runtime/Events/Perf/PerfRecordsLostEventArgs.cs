namespace Ebpf;

/// <summary>A PERF_RECORD_LOST record: the kernel dropped <see cref="Count"/> records of <see cref="Cpu"/> because its ring was full.</summary>
public sealed class PerfRecordsLostEventArgs(int cpu, ulong count) : EventArgs
{
    public int Cpu { get; } = cpu;

    public ulong Count { get; } = count;
}
