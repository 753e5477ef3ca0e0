using System.CommandLine;
using System.Runtime.InteropServices;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Native;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf events MAP [--json] [--count N] [--timeout SECONDS]</c>: prints the records of a ring buffer or perf event
/// array map as they come, until Ctrl+C (SIGINT or SIGTERM: exit 0), N records or the timeout. Lines go to stdout in
/// the shape of <see cref="EventRecordFormat"/>; what is not a record (the start, lost perf records, the summary)
/// goes to stderr, so stdout stays parseable.
/// <para>
/// A perf event array has no records of its own: the reader opens a BPF output perf event per online CPU and stores
/// it in the map (as <c>bpftool map event_pipe</c> does), replacing what another reader stored there, and removes
/// them when it ends. A ring buffer is read in place; records after the N-th stay in the ring for the next reader.
/// </para>
/// </summary>
internal static class EventsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var map = new Argument<string>("map") { Description = "A ring buffer or perf event array map: its id (see `ebpf map list`) or the path where it is pinned on bpffs" };
        var json = new Option<bool>("--json") { Description = "One JSON object per record and line (NDJSON): {\"seq\": N, \"length\": BYTES, \"data\": \"HEX\"}, data as lowercase hex in memory order" };
        var count = new Option<long?>("--count", "-n") { Description = "Stop after N records" };
        var timeout = new Option<double?>("--timeout") { Description = "Stop after SECONDS; with --count, fewer than N records by then is an error (exit 1)" };
        var command = new Command("events", "Print the records of a ring buffer or perf event array map as they come, until Ctrl+C") { map, json, count, timeout };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
            Read(parse.GetValue(map)!, parse.GetValue(json), parse.GetValue(count), parse.GetValue(timeout), stdout, stderr)));
        return command;
    }

    /// <summary>Thrown by the record handler at the record after the N-th, which the reader then leaves in the ring.</summary>
    private sealed class Enough : Exception;

    private static void Read(string source, bool json, long? count, double? timeout, TextWriter stdout, TextWriter stderr)
    {
        if (count is < 1)
            throw new BpfException($"--count {count}: give a number of records of at least 1 (or leave it out to read until Ctrl+C).");
        if (timeout is { } t && (!(t > 0) || double.IsInfinity(t) || t > int.MaxValue / 1000.0))
            throw new BpfException($"--timeout {t}: give a number of seconds above 0 (fractions allowed), or leave it out to read until Ctrl+C.");

        var fd = KernelObjects.OpenMap(source);
        BpfMapInfo info;
        try
        {
            info = BpfSyscall.GetMapInfo(fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
        bool perf = info.Type == BpfMapType.PerfEventArray;
        if (info.Type != BpfMapType.Ringbuf && !perf)
        {
            fd.Dispose();
            var kind = Names.Snake(info.Type);
            throw new BpfException($"map {info.Id} '{info.Name}' ({source}) is {Article(kind)} {kind} map: `ebpf events` reads ringbuf (BPF_MAP_TYPE_RINGBUF) " +
                $"and perf_event_array (BPF_MAP_TYPE_PERF_EVENT_ARRAY) maps. `ebpf map dump {source}` prints the entries of other maps.");
        }
        using var bpfMap = BpfMap.FromFd(fd, info.Name.Length == 0 ? null : info.Name);
        var described = $"{(perf ? "perf event array" : "ring buffer")} map {info.Id} '{info.Name}'";

        using var reader = perf ? (BpfEventReader)bpfMap.AsPerfEventArray() : bpfMap.AsRingBuffer();
        if (reader is PerfEventReader perfReader)
            perfReader.RecordsLost += (_, e) => stderr.WriteLine($"lost {e.Count} record{(e.Count == 1 ? "" : "s")} on CPU {e.Cpu}: the ring was full");

        using var stop = new CancellationTokenSource();
        var interrupted = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // end the loop below and exit 0, rather than being killed mid-line
            Volatile.Write(ref interrupted, 1);
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        if (timeout is { } seconds)
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));

        long seq = 0, limit = count ?? long.MaxValue;
        RecordHandler print = record =>
        {
            if (seq >= limit) throw new Enough();
            stdout.WriteLine(json ? EventRecordFormat.Json(seq, record) : EventRecordFormat.Text(seq, record));
            seq++;
        };

        var cpus = reader is PerfEventReader p ? $" (CPUs {string.Join(",", p.Cpus)})" : "";
        stderr.WriteLine($"reading {described}{cpus}; Ctrl+C to stop");
        bool outputClosed = false;
        try
        {
            while (seq < limit)
            {
                try
                {
                    reader.Consume(print);
                }
                catch (Enough)
                {
                    break;
                }
                stdout.Flush();
                if (seq >= limit || stop.IsCancellationRequested) break;
                try
                {
                    reader.WaitAsync(stop.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            outputClosed = true; // `ebpf events X | head`: the reader went away; the record that failed stays in the ring
        }

        var how = outputClosed ? "output closed"
            : Volatile.Read(ref interrupted) == 1 ? "interrupted"
            : seq >= limit ? $"{limit} requested"
            : timeout is { } s ? $"timeout of {s} s" : "stopped";
        var lost = reader is PerfEventReader r ? $", {r.LostRecords} lost" : "";
        stderr.WriteLine($"{seq} record{(seq == 1 ? "" : "s")} read from {described}{lost} ({how})");
        if (count is { } n && seq < n && !outputClosed && Volatile.Read(ref interrupted) == 0)
            throw new BpfException($"{described}: {seq} of {n} records came within the timeout of {timeout} s.");
    }

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0]) ? "an" : "a";
}
