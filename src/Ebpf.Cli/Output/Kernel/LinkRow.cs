using Ebpf.Native;

namespace Ebpf.Cli.Output.Kernel;

/// <summary>One link of <c>ebpf link list</c> (and of a program's attachments in <c>ebpf prog show ID</c>).</summary>
internal sealed record LinkRow(uint Id, string Type, uint ProgramId, string? AttachType, ulong? CgroupId, uint? Ifindex, string? Target = null)
{
    public static LinkRow From(BpfLinkInfo l) => new(l.Id, Names.Snake(l.Type), l.ProgramId,
        l.AttachType is { } a ? Names.Snake(a) : null, l.CgroupId, l.Ifindex, TracingTarget(l));

    /// <summary>The TARGET column: the cgroup, the interface, or the tracepoint/probe/BTF target.</summary>
    public string TargetText => CgroupId is { } cg ? $"cgroup {cg}" : Ifindex is { } ifindex ? $"ifindex {ifindex}" : Target ?? "-";

    public static void WriteTable(TextWriter w, IReadOnlyList<LinkRow> rows)
    {
        var table = new Table("ID", "TYPE", "PROG", "ATTACH TYPE", "TARGET");
        foreach (var r in rows)
            table.Add(r.Id, r.Type, r.ProgramId, r.AttachType ?? "-", r.TargetText);
        table.Write(w);
    }

    /// <summary>Raw tracepoint and perf event links name their tracepoint or probe; tracing links their BTF target.</summary>
    private static string? TracingTarget(BpfLinkInfo link)
    {
        if (link.Type == BpfLinkType.Tracing && link.TargetBtfId is { } btfId and not 0)
            return $"btf_id {btfId}" + (link.TargetObjectId is { } obj and not 0 ? $" (btf object {obj})" : "");
        if (link.Type is not (BpfLinkType.RawTracepoint or BpfLinkType.PerfEvent)) return null;
        try
        {
            using var fd = BpfSyscall.LinkGetFdById(link.Id);
            return BpfSyscall.GetLinkTarget(fd);
        }
        catch (BpfException)
        {
            return null; // detached meanwhile
        }
    }
}
