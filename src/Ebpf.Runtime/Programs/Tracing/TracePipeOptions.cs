namespace Ebpf;

/// <summary>
/// Which lines <see cref="TracePipe"/> hands out. The trace pipe carries no program id or program name: a line says
/// which task (thread) was running and on which CPU, so "lines of my programs" can only be approximated by the
/// threads that ran them (for programs run by BPF_PROG_TEST_RUN or hooked to this process's own calls) or by the
/// message text (a prefix the program prints). The filters combine with AND.
/// </summary>
public sealed class TracePipeOptions
{
    /// <summary>Only lines written by bpf_printk (event <c>bpf_trace_printk</c>); true by default. False passes every event line (other tracers' and events' too).</summary>
    public bool BpfPrintkOnly { get; init; } = true;

    /// <summary>Only lines whose thread id (or, when the line carries one, process id) is in this set.</summary>
    public IReadOnlySet<int>? Pids { get; init; }

    /// <summary>
    /// Only lines written while a thread of this process was running: the line's tgid when the <c>record-tgid</c>
    /// option put it there, else its thread id looked up in /proc/self/task. A thread that exited before its line was
    /// read no longer counts (a short-lived thread that ran a program and ended before the reader got to its line:
    /// turn the global <c>record-tgid</c> option on, <c>echo 1 &gt; /sys/kernel/tracing/options/record-tgid</c>, for
    /// an exact answer); programs running in other processes' context (a cgroup program on another process's
    /// packet, a kprobe hit elsewhere) are not "this process's" lines even when this process loaded them.
    /// </summary>
    public bool CurrentProcessOnly { get; init; }

    /// <summary>Any other condition, e.g. a prefix in <see cref="TraceRecord.Message"/> that only your programs print.</summary>
    public Func<TraceRecord, bool>? Filter { get; init; }

    /// <summary>The trace_pipe file to read; null finds it (tracefs at /sys/kernel/tracing, mounted there if absent, then /sys/kernel/debug/tracing).</summary>
    public string? Path { get; init; }

    /// <summary>Records buffered between the reading thread and a slow consumer before the thread stops reading (the kernel keeps buffering meanwhile).</summary>
    public int Capacity { get; init; } = 4096;
}
