using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Cli.Output.Kernel;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf link list [--json]</c>: every BPF link in the kernel, with what it attaches where.</summary>
internal static class LinkCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var list = new Command("list", "List every link in the kernel: id, type, program, attach type and target") { json };
        list.Aliases.Add("show");
        list.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var rows = KernelObjects.Links().Select(LinkRow.From).ToList();
            if (parse.GetValue(json))
                Json.Write(stdout, rows);
            else
                LinkRow.WriteTable(stdout, rows);
        }));
        return new Command("link", "Links in the kernel") { list };
    }
}
