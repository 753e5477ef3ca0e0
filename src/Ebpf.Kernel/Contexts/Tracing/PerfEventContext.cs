namespace Ebpf.Kernel;

/// <summary>
/// The context of perf_event programs: <c>struct bpf_perf_event_data</c>, one sample: the registers where the sampled
/// task was interrupted (x86-64 pt_regs at offset 0), the sample period, and the data address for memory events.
/// </summary>
[KernelStruct("bpf_perf_event_data", Offsets.Size)]
public sealed class PerfEventContext : BpfContext
{
    public static class Offsets
    {
        public const int Ip = PtRegsContext.Offsets.Ip, Sp = PtRegsContext.Offsets.Sp, SamplePeriod = 168, Addr = 176;
        public const int Size = 184;
    }

    private PerfEventContext() : base(Offsets.Size) { }

    [ManagedOnly]
    public static PerfEventContext ForTest(ulong samplePeriod = 1, ulong ip = 0, ulong sp = 0, ulong address = 0)
    {
        var ctx = new PerfEventContext();
        ctx.SetU64(Offsets.SamplePeriod, samplePeriod);
        ctx.SetU64(Offsets.Ip, ip);
        ctx.SetU64(Offsets.Sp, sp);
        ctx.SetU64(Offsets.Addr, address);
        return ctx;
    }

    /// <summary>Events counted per sample (or the frequency-adjusted period).</summary>
    [ContextField("sample_period", Offsets.SamplePeriod, 8)] public ulong SamplePeriod => U64(Offsets.SamplePeriod);

    /// <summary>The data address of the sample (memory events), else 0.</summary>
    [ContextField("addr", Offsets.Addr, 8)] public ulong Address => U64(Offsets.Addr);

    /// <summary>The interrupted instruction pointer (regs.ip).</summary>
    [ContextField("regs.ip", Offsets.Ip, 8)] public ulong Ip => U64(Offsets.Ip);

    [ContextField("regs.sp", Offsets.Sp, 8)] public ulong Sp => U64(Offsets.Sp);
}
