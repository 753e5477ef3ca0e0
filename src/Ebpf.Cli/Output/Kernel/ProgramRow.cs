using Ebpf.Native;

namespace Ebpf.Cli.Output.Kernel;

/// <summary>
/// One program of <c>ebpf prog list</c>. JSON keys follow <c>bpftool -j prog show</c> (bytes_xlated, map_ids,
/// loaded_at in Unix seconds, run_time_ns/run_cnt only when stats ran), so scripts can switch tools.
/// </summary>
internal sealed record ProgramRow(
    uint Id, string Type, string Name, string Tag, bool GplCompatible, long LoadedAt, uint Uid,
    uint BytesXlated, bool Jited, uint BytesJited, IReadOnlyList<uint> MapIds, uint? BtfId,
    ulong? RunTimeNs, ulong? RunCnt, uint? VerifiedInsns)
{
    public static ProgramRow From(BpfProgramInfo p) => new(
        p.Id, Names.Snake(p.Type), p.Name, p.Tag, p.GplCompatible,
        new DateTimeOffset(DateTime.SpecifyKind(p.LoadTimeUtc, DateTimeKind.Utc)).ToUnixTimeSeconds(), p.CreatedByUid,
        p.XlatedSize, p.JitedSize > 0, p.JitedSize, p.MapIds, p.BtfId == 0 ? null : p.BtfId,
        // The kernel counts only while stats are enabled; zero then means "not measured", as bpftool treats it.
        p.RunTimeNs == 0 ? null : p.RunTimeNs, p.RunTimeNs == 0 ? null : p.RunCount,
        p.VerifiedInstructions == 0 ? null : p.VerifiedInstructions);

    public static void WriteTable(TextWriter w, IReadOnlyList<ProgramRow> rows)
    {
        bool stats = rows.Any(r => r.RunCnt is not null) || StatsEnabled();
        var headers = new List<string> { "ID", "TYPE", "NAME", "TAG", "LOADED AT", "UID", "XLATED", "JITED", "MAP IDS", "BTF" };
        if (stats) headers.AddRange(["RUNS", "RUN TIME NS", "NS/RUN"]);
        var table = new Table([.. headers]);
        foreach (var r in rows)
        {
            var cells = new List<object?>
            {
                r.Id, r.Type, r.Name.Length == 0 ? "-" : r.Name, r.Tag,
                DateTimeOffset.FromUnixTimeSeconds(r.LoadedAt).ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz"),
                r.Uid, $"{r.BytesXlated}B", r.Jited ? $"{r.BytesJited}B" : "-",
                r.MapIds.Count == 0 ? "-" : string.Join(",", r.MapIds), r.BtfId?.ToString() ?? "-",
            };
            if (stats)
                cells.AddRange([r.RunCnt ?? 0, r.RunTimeNs ?? 0, r.RunCnt is > 0 ? (r.RunTimeNs ?? 0) / r.RunCnt.Value : 0]);
            table.Add([.. cells]);
        }
        if (table.Count == 0) w.WriteLine("(no programs loaded)"); else table.Write(w);
    }

    /// <summary>kernel.bpf_stats_enabled: whether run counts are being collected (sysctl or an open BPF_ENABLE_STATS fd).</summary>
    private static bool StatsEnabled()
    {
        try { return File.ReadAllText("/proc/sys/kernel/bpf_stats_enabled").Trim() == "1"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
