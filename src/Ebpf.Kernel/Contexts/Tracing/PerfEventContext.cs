namespace Ebpf.Kernel;

/// <summary>
/// The context of perf_event programs: <c>struct bpf_perf_event_data</c>, one sample: its period and, for memory events,
/// the data address. (The registers at offset 0 are not exposed yet; bpf_get_stack gives the interrupted stack.)
/// </summary>
[KernelStruct("bpf_perf_event_data", Offsets.Size)]
public sealed class PerfEventContext : BpfContext
{
    public static class Offsets
    {
        public const int SamplePeriod = 168, Addr = 176;
        public const int Size = 184;
    }

    private PerfEventContext() : base(Offsets.Size) { }

    [ManagedOnly]
    public static PerfEventContext ForTest(ulong samplePeriod = 1, ulong address = 0)
    {
        var ctx = new PerfEventContext();
        ctx.SetU64(Offsets.SamplePeriod, samplePeriod);
        ctx.SetU64(Offsets.Addr, address);
        return ctx;
    }

    /// <summary>Events counted per sample (or the frequency-adjusted period).</summary>
    [ContextField("sample_period", Offsets.SamplePeriod, 8)] public ulong SamplePeriod => U64(Offsets.SamplePeriod);

    /// <summary>The data address of the sample (memory events), else 0.</summary>
    [ContextField("addr", Offsets.Addr, 8)] public ulong Address => U64(Offsets.Addr);
}
