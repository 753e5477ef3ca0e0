using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Cli.Output.Kernel;
using Ebpf.Native;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf map list [--json]</c>, <c>ebpf map dump ID|PATH [--json]</c> and <c>ebpf map watch ID|PATH</c> (see <see cref="MapWatchCommand"/>).</summary>
internal static class MapCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("map", "Maps in the kernel");
        command.Subcommands.Add(List(stdout, stderr));
        command.Subcommands.Add(Dump(stdout, stderr));
        command.Subcommands.Add(MapWatchCommand.Create(stdout, stderr));
        return command;
    }

    private static Command List(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts (bpftool's keys)" };
        var list = new Command("list", "List every map in the kernel: id, type, name, key/value size, max entries, flags, BTF id") { json };
        list.Aliases.Add("show");
        list.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var rows = KernelObjects.Maps().Select(MapRow.From).ToList();
            if (parse.GetValue(json))
                Json.Write(stdout, rows);
            else
                MapRow.WriteTable(stdout, rows);
        }));
        return list;
    }

    private static Command Dump(TextWriter stdout, TextWriter stderr)
    {
        var map = new Argument<string>("map") { Description = "A map id (a number, see `ebpf map list`) or the path of a pinned map in bpffs" };
        var json = new Option<bool>("--json") { Description = "Print JSON: a list of { key, value } (per-CPU maps: values by cpu)" };
        var dump = new Command("dump", "Print every key and value of a map, through its BTF where it has one") { map, json };
        dump.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            using var fd = KernelObjects.OpenMap(parse.GetValue(map)!);
            var info = BpfSyscall.GetMapInfo(fd);
            using var btf = LoadBtf(info, stderr);
            var entries = MapEntries.Read(fd, info);
            var view = new MapDump(info, btf, stderr);
            if (parse.GetValue(json))
                Json.Write(stdout, view.ToJson(entries));
            else
                view.WriteText(stdout, entries);
        }));
        return dump;
    }

    /// <summary>The map's BTF when it names key or value types; unreadable BTF is a warning, and the dump falls back to hex.</summary>
    internal static BtfSpec? LoadBtf(BpfMapInfo info, TextWriter stderr)
    {
        if (info.BtfId == 0 || (info.BtfKeyTypeId == 0 && info.BtfValueTypeId == 0))
            return null;
        try { return KernelBtf.Load(info.BtfId); }
        catch (BpfException e)
        {
            stderr.WriteLine($"warning: map {info.Id} '{info.Name}': cannot use its BTF (id {info.BtfId}): {e.Message} Showing hex.");
            return null;
        }
    }
}
