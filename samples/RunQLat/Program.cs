using Ebpf;
using RunQLat;

// runqlat: a log2 histogram of run-queue latency (µs) on this machine. Prints it every --interval seconds (default 5)
// until Ctrl+C, then once more.
var interval = args.Length >= 2 && args[0] == "--interval" && int.TryParse(args[1], out var s) ? s : 5;
try
{
    using var bpf = BpfObject.Load<RunQLatProgram>();
    using var wakeup = bpf.Programs[nameof(RunQLatProgram.OnWakeup)].AsTracing().Attach();
    using var wakeupNew = bpf.Programs[nameof(RunQLatProgram.OnWakeupNew)].AsTracing().Attach();
    using var @switch = bpf.Programs[nameof(RunQLatProgram.OnSwitch)].AsTracing().Attach();
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    Console.WriteLine("tracing run queue latency... Ctrl+C to end");
    var histogram = bpf.Maps["Histogram"].AsArray<ulong>();
    do
    {
        try { await Task.Delay(TimeSpan.FromSeconds(interval), stop.Token); } catch (TaskCanceledException) { }
        Print(Enumerable.Range(0, RunQLatProgram.Slots).Select(i => histogram[(uint)i]).ToArray());
    } while (!stop.IsCancellationRequested);
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// As libbpf-tools print a log2 histogram: one row per slot up to the last non-empty one, stars scaled to the largest.
static void Print(ulong[] slots)
{
    var last = Array.FindLastIndex(slots, v => v != 0);
    var max = slots.Max();
    Console.WriteLine($"{"usecs",20} : {"count",-8} distribution");
    for (var i = 0; i <= last; i++)
    {
        var low = i == 0 ? 0UL : 1UL << i;
        var high = (1UL << (i + 1)) - 1;
        var stars = (int)(slots[i] * 40 / Math.Max(1, max));
        Console.WriteLine($"{low,9} -> {high,-9}: {slots[i],-8} |{new string('*', stars),-40}|");
    }
}
