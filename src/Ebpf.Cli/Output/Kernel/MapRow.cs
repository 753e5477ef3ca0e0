using Ebpf.Native;

namespace Ebpf.Cli.Output.Kernel;

/// <summary>One map of <c>ebpf map list</c>. JSON keys follow <c>bpftool -j map show</c> (bytes_key, bytes_value, btf_id only when set).</summary>
internal sealed record MapRow(uint Id, string Type, string Name, uint Flags, int BytesKey, int BytesValue, uint MaxEntries, uint? BtfId)
{
    public static MapRow From(BpfMapInfo m) => new(m.Id, Names.Snake(m.Type), m.Name, (uint)m.Flags, m.KeySize, m.ValueSize,
        m.MaxEntries, m.BtfId == 0 ? null : m.BtfId);

    public static void WriteTable(TextWriter w, IReadOnlyList<MapRow> rows)
    {
        var table = new Table("ID", "TYPE", "NAME", "KEY", "VALUE", "MAX ENTRIES", "FLAGS", "BTF");
        foreach (var r in rows)
            table.Add(r.Id, r.Type, r.Name.Length == 0 ? "-" : r.Name, $"{r.BytesKey}B", $"{r.BytesValue}B", r.MaxEntries,
                $"0x{r.Flags:x}", r.BtfId?.ToString() ?? "-");
        if (table.Count == 0) w.WriteLine("(no maps)"); else table.Write(w);
    }
}
