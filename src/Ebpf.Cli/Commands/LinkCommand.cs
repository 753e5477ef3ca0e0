using System.CommandLine;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf link list [--json]</c>: every BPF link in the kernel, with what it attaches where.</summary>
internal static class LinkCommand
{
    private sealed record LinkRow(uint Id, string Type, uint ProgramId, string? AttachType, ulong? CgroupId, uint? Ifindex, string? Target = null);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var list = new Command("list", "List every link in the kernel: id, type, program, attach type and target") { json };
        list.Aliases.Add("show");
        list.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var rows = KernelObjects.Links().Select(l => new LinkRow(l.Id, Names.Snake(l.Type), l.ProgramId,
                l.AttachType is { } a ? Names.Snake(a) : null, l.CgroupId, l.Ifindex, TracingTarget(l))).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(stdout, rows);
                return;
            }
            var table = new Table("ID", "TYPE", "PROG", "ATTACH TYPE", "TARGET");
            foreach (var r in rows)
                table.Add(r.Id, r.Type, r.ProgramId, r.AttachType ?? "-",
                    r.CgroupId is { } cg ? $"cgroup {cg}" : r.Ifindex is { } ifindex ? $"ifindex {ifindex}" : r.Target ?? "-");
            table.Write(stdout);
        }));
        return new Command("link", "Links in the kernel") { list };
    }

    /// <summary>Raw tracepoint and perf event links name their tracepoint or probe; tracing links their BTF target.</summary>
    private static string? TracingTarget(Ebpf.Native.BpfLinkInfo link)
    {
        if (link.Type == BpfLinkType.Tracing && link.TargetBtfId is { } btfId and not 0)
            return $"btf_id {btfId}" + (link.TargetObjectId is { } obj and not 0 ? $" (btf object {obj})" : "");
        if (link.Type is not (BpfLinkType.RawTracepoint or BpfLinkType.PerfEvent)) return null;
        try
        {
            using var fd = Ebpf.Native.Bpf.LinkGetFdById(link.Id);
            return Ebpf.Native.Bpf.GetLinkTarget(fd);
        }
        catch (BpfException)
        {
            return null; // detached meanwhile
        }
    }
}
