namespace Ebpf.Kernel;

/// <summary>
/// What the helpers of <see cref="Bpf"/> answer when a program runs as plain .NET: a settable clock, a deterministic random
/// source, the current task's ids, the captured <c>bpf_trace_printk</c> output and the lines logged with <see cref="Log"/>. Each test may install its own with
/// <see cref="Use"/> (it flows with the async context, so parallel tests do not see each other's); otherwise
/// <see cref="Default"/> answers.
/// </summary>
public sealed partial class ManagedKernel
{
    private static readonly AsyncLocal<ManagedKernel?> s_current = new();
    private readonly List<string> _trace = new();
    private readonly List<LogEntry> _logs = new();
    private ulong _random;

    public ManagedKernel(ulong randomSeed = 0x2545F4914F6CDD1D) => Seed(randomSeed);

    /// <summary>Used when no test installed one.</summary>
    public static ManagedKernel Default { get; } = new();

    public static ManagedKernel Current => s_current.Value ?? Default;

    /// <summary>Makes <paramref name="kernel"/> the <see cref="Current"/> one until the result is disposed.</summary>
    public static IDisposable Use(ManagedKernel kernel)
    {
        var previous = s_current.Value;
        s_current.Value = kernel;
        return new Scope(() => s_current.Value = previous);
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>CLOCK_MONOTONIC in ns, what <see cref="Bpf.KtimeGetNs"/> returns.</summary>
    public ulong TimeNs { get; set; } = 1_000_000_000;

    /// <summary>Added to <see cref="TimeNs"/> after each read, so consecutive reads differ as they do in the kernel; 0 freezes the clock.</summary>
    public ulong TimeStepNs { get; set; }

    /// <summary>Time spent suspended: CLOCK_BOOTTIME - CLOCK_MONOTONIC.</summary>
    public ulong SuspendedNs { get; set; }

    /// <summary>CLOCK_TAI - CLOCK_MONOTONIC.</summary>
    public ulong TaiOffsetNs { get; set; } = 1_700_000_000_000_000_000;

    /// <summary>CONFIG_HZ for <see cref="Bpf.Jiffies64"/>.</summary>
    public uint Hz { get; set; } = 250;

    public uint Cpu { get; set; }
    public int NumaNode { get; set; }
    public uint Pid { get; set; } = 1000;
    public uint Tgid { get; set; } = 1000;
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public string Comm { get; set; } = "test";
    public ulong CgroupId { get; set; } = 1;

    internal ulong ReadClock()
    {
        ulong now = TimeNs;
        TimeNs += TimeStepNs;
        return now;
    }

    /// <summary>Restarts the random sequence (xorshift64*; the kernel's is not reproducible, tests need it to be).</summary>
    public void Seed(ulong seed) => _random = seed == 0 ? 1 : seed;

    internal uint NextRandom()
    {
        lock (_trace)
        {
            _random ^= _random >> 12;
            _random ^= _random << 25;
            _random ^= _random >> 27;
            return (uint)((_random * 0x2545F4914F6CDD1DUL) >> 32);
        }
    }

    /// <summary>Lines written with <see cref="Bpf.Printk(string)"/>, oldest first (without the trace_pipe prefix).</summary>
    public IReadOnlyList<string> Trace
    {
        get { lock (_trace) return _trace.ToArray(); }
    }

    public void ClearTrace()
    {
        lock (_trace) _trace.Clear();
    }

    internal void AddTrace(string line)
    {
        lock (_trace) _trace.Add(line);
    }

    /// <summary>Lines below this level are not logged: what user space sets before load with BpfLoadOptions.MinimumLogLevel.</summary>
    public BpfLogLevel MinimumLogLevel { get; set; } = BpfLogLevel.Trace;

    /// <summary>Lines written with <see cref="Log"/>, oldest first.</summary>
    public IReadOnlyList<LogEntry> Logs
    {
        get { lock (_logs) return _logs.ToArray(); }
    }

    public void ClearLogs()
    {
        lock (_logs) _logs.Clear();
    }

    internal void AddLog(LogEntry entry)
    {
        lock (_logs) _logs.Add(entry);
    }
}
