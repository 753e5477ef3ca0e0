using System.CommandLine;
using Ebpf.Cli.Output;
using Ebpf.Object;
using Ebpf.Object.Btf;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf inspect FILE</c>: programs, maps, global data, externs (resolved on this machine), the log lines of C# programs and a BTF summary of an object.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A BPF ELF object (.o)" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("inspect", "Show the programs, maps, global data and BTF of a BPF object; exit code 1 when it has a problem a loader would refuse") { file, json };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var obj = BpfObjectFile.Read(parse.GetValue(file)!);
            var summary = ObjectSummary.From(obj);
            if (parse.GetValue(json))
                Json.Write(stdout, summary);
            else
                WriteText(stdout, obj, summary);
            // The full report first, then a lint's verdict: CI runs `ebpf inspect` on its objects and fails on exit code 1.
            var problems = summary.Problems();
            foreach (var problem in problems)
                stderr.WriteLine($"error: {obj.Source}: {problem}");
            return problems.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    private static void WriteText(TextWriter w, BpfObjectFile obj, ObjectSummary summary)
    {
        w.WriteLine($"object:  {obj.Source}");
        w.WriteLine($"license: {(obj.License.Length == 0 ? "(none)" : obj.License)}" + (obj.KernelVersion is { } version ? $"   kernel version: 0x{version:x}" : ""));

        w.WriteLine();
        w.WriteLine("programs:");
        var programs = new Table("NAME", "SECTION", "PROGRAM TYPE", "EXPECTED ATTACH TYPE", "INSNS", "CALLS");
        foreach (var p in summary.Programs)
            programs.Add(p.Name, p.Section, p.ProgramType ?? "error", p.ExpectedAttachType ?? "-", p.Instructions, p.Calls.Count == 0 ? "" : string.Join(",", p.Calls));
        programs.Write(w);
        foreach (var p in summary.Programs.Where(p => p.Error is not null))
            w.WriteLine($"  ! {p.Error}");
        if (summary.Subprograms.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("subprograms (.text):");
            var subs = new Table("NAME", "INSNS", "CALLS");
            foreach (var s in summary.Subprograms)
                subs.Add(s.Name, s.Instructions, string.Join(",", s.Calls));
            subs.Write(w);
        }

        w.WriteLine();
        w.WriteLine("maps:");
        var maps = new Table("NAME", "TYPE", "KEY", "VALUE", "MAX ENTRIES", "FLAGS", "DEFINED", "NOTES");
        foreach (var m in summary.Maps)
            maps.Add(m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries, $"0x{m.Flags:x}", m.Style, m.Notes);
        if (maps.Count == 0) w.WriteLine("  (none)"); else maps.Write(w);

        w.WriteLine();
        w.WriteLine("global data:");
        var data = new Table("SECTION", "KIND", "SIZE", "VARIABLE", "OFFSET", "SIZE", "TYPE");
        foreach (var d in summary.GlobalData)
        {
            data.Add(d.Section, d.Kind, d.Size, "", "", "", "");
            foreach (var v in d.Variables)
                data.Add("", "", "", v.Name, v.Offset, v.Size, v.Type ?? "");
        }
        if (data.Count == 0) w.WriteLine("  (none)"); else data.Write(w);

        if (summary.Externs.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("externs (resolved on this machine):");
            var externs = new Table("NAME", "KIND", "TYPE", "WEAK", "RESOLVES TO");
            foreach (var e in summary.Externs)
                externs.Add(e.Name, e.Kind, e.Type ?? "", e.Weak ? "yes" : "", e.Found ? e.ResolvesTo : $"missing{(e.Weak ? " (weak: 0)" : "")}: {e.ResolvesTo}");
            externs.Write(w);
        }

        if (summary.LogLines.Count > 0 || summary.LogLinesError is not null)
        {
            w.WriteLine();
            w.WriteLine("log lines:");
            var logs = new Table("ID", "PROGRAM", "LEVEL", "SOURCE", "TEMPLATE");
            foreach (var l in summary.LogLines)
                logs.Add(l.Id, l.Program, l.Level, l.File.Length == 0 ? "-" : $"{Path.GetFileName(l.File)}:{l.Line}", l.Template);
            if (logs.Count > 0) logs.Write(w);
            if (summary.LogLinesError is { } error) w.WriteLine($"  ! {error}");
        }

        w.WriteLine();
        if (summary.Btf is { } btf)
        {
            w.WriteLine($"btf: {btf.Types} types ({string.Join(", ", btf.Kinds.Select(k => $"{k.Value} {k.Key}"))})");
            if (btf.FuncInfos + btf.LineInfos + btf.CoreRelocations > 0)
                w.WriteLine($"btf.ext: {btf.FuncInfos} func_info, {btf.LineInfos} line_info, {btf.CoreRelocations} CO-RE relocations");
        }
        else
        {
            w.WriteLine("btf: none (compile with -g to get BTF)");
        }
    }
}
