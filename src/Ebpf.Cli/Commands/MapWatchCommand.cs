using System.CommandLine;
using System.Runtime.InteropServices;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Cli.Output.Kernel;
using Ebpf.Native;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf map watch ID|PATH [--interval SECONDS] [--count N] [--json]</c>: <c>map dump</c> again every interval, decoded with the
/// map's BTF, until Ctrl+C (or N dumps). On a terminal each dump replaces the last; piped, dumps follow each other under a
/// header line; with --json, one line of JSON per dump.
/// </summary>
internal static class MapWatchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var map = new Argument<string>("map") { Description = "A map id (a number, see `ebpf map list`) or the path of a pinned map in bpffs" };
        var interval = new Option<double>("--interval", "-n") { Description = "Seconds between dumps (fractions allowed)", DefaultValueFactory = _ => 1 };
        var count = new Option<int?>("--count") { Description = "Stop after this many dumps (default: until Ctrl+C)" };
        var json = new Option<bool>("--json") { Description = "One JSON object per dump and line (NDJSON): { \"dump\": N, \"time\": ..., \"entries\": [ { key, value } ] }" };
        var command = new Command("watch", "Dump a map again every interval, through its BTF where it has one, until Ctrl+C") { map, interval, count, json };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
            Watch(parse.GetValue(map)!, parse.GetValue(interval), parse.GetValue(count), parse.GetValue(json), stdout, stderr)));
        return command;
    }

    private sealed record JsonDump(int Dump, DateTimeOffset Time, IReadOnlyList<MapDump.JsonEntry> Entries);

    private static void Watch(string source, double interval, int? count, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (!(interval > 0) || interval > int.MaxValue / 1000.0)
            throw new BpfException($"--interval {interval}: give a number of seconds above 0 (fractions allowed).");
        if (count is < 1)
            throw new BpfException($"--count {count}: give a number of dumps of at least 1 (or leave it out to watch until Ctrl+C).");

        using var fd = KernelObjects.OpenMap(source);
        var info = BpfSyscall.GetMapInfo(fd);
        using var btf = MapCommand.LoadBtf(info, stderr);
        var view = new MapDump(info, btf, stderr);

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // finish the dump being written and exit 0
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var clear = !json && Terminal.IsInteractive(stdout);
        var title = $"map {info.Id} '{info.Name}' ({Names.Snake(info.Type)}) every {interval} s";
        for (var n = 1; count is null || n <= count; n++)
        {
            var entries = MapEntries.Read(fd, info);
            var now = DateTimeOffset.Now;
            if (json)
                Json.WriteLine(stdout, new JsonDump(n, now, view.ToJson(entries)));
            else
            {
                if (clear)
                    stdout.Write("\u001b[H\u001b[2J"); // cursor home, clear screen: the dump replaces the last one, as watch(1) does
                else if (n > 1)
                    stdout.WriteLine();
                stdout.WriteLine($"{title}: dump {n} at {now:HH:mm:ss}" + (clear ? "; Ctrl+C to stop" : ""));
                view.WriteText(stdout, entries);
            }
            stdout.Flush();
            if (n == count || stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(interval)))
                break;
        }
    }
}
