using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Cli.Output.Kernel;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf prog list [--json]</c>: every program loaded in the kernel, like <c>bpftool prog list</c>;
/// <c>ebpf prog show [ID] [--json]</c>: the same list without an id, one program with its maps and links with one.
/// </summary>
internal static class ProgCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts (bpftool's keys)" };
        var list = new Command("list", "List every program in the kernel: id, type, name, tag, load time, sizes, maps, run stats") { json };
        list.SetAction(parse => CommandRunner.Run(stderr, () => ListAll(stdout, parse.GetValue(json))));

        var showJson = new Option<bool>("--json") { Description = "Print JSON for scripts (bpftool's keys, plus maps and links)" };
        var id = new Argument<uint?>("id") { Description = "A program id (see `ebpf prog list`); without it, every program is listed", Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Show one program with its maps and the links that attach it; without an id, list every program") { id, showJson };
        show.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            if (parse.GetValue(id) is { } programId)
                ProgramDetails.Write(stdout, ProgramDetails.Read(programId), parse.GetValue(showJson));
            else
                ListAll(stdout, parse.GetValue(showJson));
        }));
        return new Command("prog", "Programs loaded in the kernel") { list, show };
    }

    private static void ListAll(TextWriter stdout, bool json)
    {
        var rows = KernelObjects.Programs().Select(ProgramRow.From).ToList();
        if (json)
            Json.Write(stdout, rows);
        else
            ProgramRow.WriteTable(stdout, rows);
    }
}
