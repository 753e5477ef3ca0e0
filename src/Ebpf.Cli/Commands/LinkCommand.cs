using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf link list [--json]</c>: every BPF link in the kernel, with what it attaches where.</summary>
internal static class LinkCommand
{
    private sealed record LinkRow(uint Id, string Type, uint ProgramId, string? AttachType, ulong? CgroupId, uint? Ifindex);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var list = new Command("list", "List every link in the kernel: id, type, program, attach type and target") { json };
        list.Aliases.Add("show");
        list.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var rows = KernelObjects.Links().Select(l => new LinkRow(l.Id, Names.Snake(l.Type), l.ProgramId,
                l.AttachType is { } a ? Names.Snake(a) : null, l.CgroupId, l.Ifindex)).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(stdout, rows);
                return;
            }
            var table = new Table("ID", "TYPE", "PROG", "ATTACH TYPE", "TARGET");
            foreach (var r in rows)
                table.Add(r.Id, r.Type, r.ProgramId, r.AttachType ?? "-",
                    r.CgroupId is { } cg ? $"cgroup {cg}" : r.Ifindex is { } ifindex ? $"ifindex {ifindex}" : "-");
            table.Write(stdout);
        }));
        return new Command("link", "Links in the kernel") { list };
    }
}
