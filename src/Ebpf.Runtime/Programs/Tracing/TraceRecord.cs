using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf;

/// <summary>
/// One line of the kernel's trace pipe, parsed. For <c>bpf_printk</c> output <see cref="Event"/> is
/// <c>bpf_trace_printk</c> and <see cref="Message"/> is the text the program printed.
/// </summary>
/// <param name="Task">The task's comm as the trace shows it (up to 15 characters; may hold spaces and dashes; <c>&lt;...&gt;</c> when the kernel's saved-comm cache has no entry for the pid, e.g. for a thread that ran briefly).</param>
/// <param name="Pid">The kernel pid of the task that was running: the thread id, which is the process id only for a process's main thread.</param>
/// <param name="ThreadGroupId">The process id (tgid), when the <c>record-tgid</c> trace option put it on the line; otherwise null.</param>
/// <param name="Cpu">The CPU the line was written on.</param>
/// <param name="Flags">The irq-info column (e.g. <c>b..11</c>: irqs-off, need-resched, hard/soft irq, preempt depth, migrate-disable), empty when the <c>irq-info</c> option is off.</param>
/// <param name="Timestamp">The trace clock's time (seconds since boot for the default <c>local</c> clock).</param>
/// <param name="Event">The event name (<c>bpf_trace_printk</c> for bpf_printk and bpf_trace_vprintk).</param>
/// <param name="Message">The rest of the line after <c>"Event: "</c>, without the newline.</param>
public sealed partial record TraceRecord(string Task, int Pid, int? ThreadGroupId, int Cpu, string Flags, TimeSpan Timestamp, string Event, string Message)
{
    /// <summary>The event bpf_printk (bpf_trace_printk and bpf_trace_vprintk) writes.</summary>
    public const string BpfPrintkEvent = "bpf_trace_printk";

    /// <summary>Whether a BPF program wrote this line with bpf_printk.</summary>
    public bool IsBpfPrintk => Event == BpfPrintkEvent;

    // "%16s-%-7d " comm-pid, then "(%7d) " or "(-------) " with record-tgid, "[%03d] " cpu, the irq-info column
    // (4 or 5 characters) unless that option is off, "%5lu.%06lu: " timestamp (an integer for counter clocks), then
    // "event: message". The comm is matched lazily so dashes and spaces in it stay in it: the pid is the last
    // "-digits" that the rest of the line can follow.
    [GeneratedRegex(@"^\s*(?<task>.+?)-(?<pid>\d+)\s+(?:\(\s*(?<tgid>\d+|-+)\)\s+)?\[(?<cpu>\d+)\]\s+(?:(?<flags>\S{4,5})\s+)?(?<sec>\d+)(?:\.(?<frac>\d+))?:\s(?<event>[^:\s]+):\s?(?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex LineRegex();

    /// <summary>Parses one trace_pipe line (without its newline); false when it is not an event line (e.g. a "[LOST n EVENTS]" notice or the continuation of a multi-line message).</summary>
    public static bool TryParse(string line, [NotNullWhen(true)] out TraceRecord? record)
    {
        ArgumentNullException.ThrowIfNull(line);
        record = null;
        var m = LineRegex().Match(line.TrimEnd('\n', '\r'));
        if (!m.Success) return false;
        if (!int.TryParse(m.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return false;
        if (!int.TryParse(m.Groups["cpu"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int cpu)) return false;
        int? tgid = null;
        if (m.Groups["tgid"] is { Success: true } t && t.ValueSpan[0] != '-')
        {
            if (!int.TryParse(t.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int g)) return false;
            tgid = g;
        }
        if (!long.TryParse(m.Groups["sec"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return false;
        long ticks = seconds * TimeSpan.TicksPerSecond;
        if (m.Groups["frac"] is { Success: true } f)
        {
            // Fractions of a second, to 100 ns (the trace prints microseconds; nanoseconds with some clocks).
            var digits = f.ValueSpan;
            long frac = 0;
            for (int i = 0; i < 7; i++) frac = frac * 10 + (i < digits.Length ? digits[i] - '0' : 0);
            ticks += frac;
        }
        record = new TraceRecord(m.Groups["task"].Value, pid, tgid, cpu, m.Groups["flags"].Value, TimeSpan.FromTicks(ticks),
            m.Groups["event"].Value, m.Groups["message"].Value);
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing a <see cref="BpfException"/> that quotes the line when it is not an event line.</summary>
    public static TraceRecord Parse(string line) =>
        TryParse(line, out var record) ? record : throw new BpfException($"Not a trace_pipe event line: '{line}'.");

    [GeneratedRegex(@"^CPU:(?<cpu>\d+) \[LOST (?<n>\d+) EVENTS\]", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    internal static partial Regex LostRegex();
}
