namespace Ebpf;

/// <summary>The perf event kinds a perf_event program samples on (perf_event_attr.type).</summary>
public enum PerfEventKind : uint
{
    /// <summary>PERF_TYPE_HARDWARE: cycles, instructions, ... (needs a PMU the VM or CPU exposes).</summary>
    Hardware = 0,
    /// <summary>PERF_TYPE_SOFTWARE: cpu-clock, task-clock, page faults, context switches, ...</summary>
    Software = 1,
}

/// <summary>
/// What a perf_event program samples: an event (<see cref="Kind"/> and <see cref="Config"/>) that fires
/// <see cref="Frequency"/> times a second or every <see cref="Period"/> events, on every online CPU, on chosen CPUs, or
/// for the threads of one process.
/// </summary>
public sealed record PerfEventSpec
{
    /// <summary><see cref="Config"/> of the software CPU clock (PERF_COUNT_SW_CPU_CLOCK).</summary>
    public const ulong CpuClockConfig = 0;   // PERF_COUNT_SW_CPU_CLOCK
    /// <summary><see cref="Config"/> of the software task clock (PERF_COUNT_SW_TASK_CLOCK).</summary>
    public const ulong TaskClockConfig = 1;  // PERF_COUNT_SW_TASK_CLOCK

    /// <summary>perf_event_attr.type: software, hardware, ...; software by default.</summary>
    public PerfEventKind Kind { get; init; } = PerfEventKind.Software;

    /// <summary>perf_event_attr.config: PERF_COUNT_SW_* or PERF_COUNT_HW_*.</summary>
    public ulong Config { get; init; }

    /// <summary>Samples a second (freq mode); 0 to use <see cref="Period"/>.</summary>
    public ulong Frequency { get; init; }

    /// <summary>Events between samples, when <see cref="Frequency"/> is 0.</summary>
    public ulong Period { get; init; }

    /// <summary>The CPUs to sample on; null for every online CPU. Ignored when <see cref="ProcessId"/> is set.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>
    /// Sample only this process: one event per thread it has now (on any CPU); threads it starts later are not sampled.
    /// Null samples everything on the CPUs.
    /// </summary>
    public int? ProcessId { get; init; }

    /// <summary>The software CPU clock at <paramref name="frequency"/> samples a second, on every online CPU.</summary>
    public static PerfEventSpec CpuClock(ulong frequency) => new() { Kind = PerfEventKind.Software, Config = CpuClockConfig, Frequency = frequency };

    /// <summary>This spec for the threads of process <paramref name="pid"/> only.</summary>
    public PerfEventSpec ForProcess(int pid) => this with { ProcessId = pid };

    /// <summary>This spec on <paramref name="cpus"/> only.</summary>
    public PerfEventSpec OnCpus(params int[] cpus) => this with { Cpus = cpus };

    /// <summary>The event and its rate in words ("cpu-clock at 99 Hz"), for messages.</summary>
    public override string ToString() =>
        $"{(Kind == PerfEventKind.Software && Config == CpuClockConfig ? "cpu-clock" : $"{Kind.ToString().ToLowerInvariant()} event {Config}")} " +
        $"{(Frequency != 0 ? $"at {Frequency} Hz" : $"every {Period} events")}";
}
