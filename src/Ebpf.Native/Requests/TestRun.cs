namespace Ebpf.Native;

/// <summary>What BPF_PROG_TEST_RUN takes: packet data and/or a context, and buffers for what comes back.</summary>
public ref struct TestRunRequest
{
    public ReadOnlySpan<byte> DataIn { get; set; }

    /// <summary>Receives the packet after the program ran; empty to not copy it.</summary>
    public Span<byte> DataOut { get; set; }

    public ReadOnlySpan<byte> ContextIn { get; set; }
    public Span<byte> ContextOut { get; set; }

    /// <summary>Runs to average the duration over; 0 is taken as 1 by the kernel.</summary>
    public uint Repeat { get; set; }

    public BpfTestRunFlags Flags { get; set; }
    public uint Cpu { get; set; }
    public uint BatchSize { get; set; }
}

/// <summary>What BPF_PROG_TEST_RUN returned: the program's return value and the average run time.</summary>
public readonly record struct BpfProgTestRunResult(uint ReturnValue, uint DurationNs, int DataSizeOut, int ContextSizeOut)
{
    public TimeSpan Duration => TimeSpan.FromTicks(DurationNs / 100);
}
