namespace Ebpf.Native;

/// <summary>What BPF_PROG_TEST_RUN takes: packet data and/or a context, and buffers for what comes back.</summary>
public ref struct TestRunRequest
{
    /// <summary>data_in: the packet (or other data) to run on.</summary>
    public ReadOnlySpan<byte> DataIn { get; set; }

    /// <summary>Receives the packet after the program ran; empty to not copy it.</summary>
    public Span<byte> DataOut { get; set; }

    /// <summary>ctx_in: the context to run with, e.g. a <c>struct __sk_buff</c>.</summary>
    public ReadOnlySpan<byte> ContextIn { get; set; }
    /// <summary>ctx_out: receives the context after the run.</summary>
    public Span<byte> ContextOut { get; set; }

    /// <summary>Runs to average the duration over; 0 is taken as 1 by the kernel.</summary>
    public uint Repeat { get; set; }

    /// <summary>flags.</summary>
    public BpfTestRunFlags Flags { get; set; }
    /// <summary>cpu, with <see cref="BpfTestRunFlags.RunOnCpu"/>.</summary>
    public uint Cpu { get; set; }
    /// <summary>batch_size, for live XDP frames.</summary>
    public uint BatchSize { get; set; }
}

/// <summary>What BPF_PROG_TEST_RUN returned: the program's return value and the average run time.</summary>
public readonly record struct BpfProgTestRunResult(uint ReturnValue, uint DurationNs, int DataSizeOut, int ContextSizeOut)
{
    /// <summary>The average run time, from <c>DurationNs</c>.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(DurationNs / 100);
}
