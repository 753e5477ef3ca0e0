using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Cli.Output.Kernel;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf prog list [--json]</c>: every program loaded in the kernel, like <c>bpftool prog list</c>.</summary>
internal static class ProgCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts (bpftool's keys)" };
        var list = new Command("list", "List every program in the kernel: id, type, name, tag, load time, sizes, maps, run stats") { json };
        list.Aliases.Add("show");
        list.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var rows = KernelObjects.Programs().Select(ProgramRow.From).ToList();
            if (parse.GetValue(json))
                Json.Write(stdout, rows);
            else
                ProgramRow.WriteTable(stdout, rows);
        }));
        return new Command("prog", "Programs loaded in the kernel") { list };
    }
}
