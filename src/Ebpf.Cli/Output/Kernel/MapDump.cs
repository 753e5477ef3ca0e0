using System.Text.Json.Nodes;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Native;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Output.Kernel;

/// <summary>
/// Renders the elements of <c>ebpf map dump</c>: through the map's BTF where it has key/value type ids, as hex bytes
/// (bpftool's form) where not. Per-CPU maps show one value per possible CPU; a global data map (value type a
/// DATASEC) shows its variables by name.
/// </summary>
internal sealed class MapDump(BpfMapInfo info, BtfSpec? btf, TextWriter stderr)
{
    private readonly int _keyType = btf is null ? 0 : (int)info.BtfKeyTypeId;
    private readonly int _valueType = btf is null ? 0 : (int)info.BtfValueTypeId;
    private readonly bool _perCpu = BpfMapFd.IsPerCpu(info.Type);
    private bool _warned;

    /// <summary>JSON element: <c>{ "key": ..., "value": ... }</c>, per-CPU <c>{ "key": ..., "values": [{ "cpu": 0, "value": ... }] }</c>.</summary>
    internal sealed record JsonEntry(JsonNode? Key, JsonNode? Value, IReadOnlyList<JsonCpuValue>? Values, string? Error);
    internal sealed record JsonCpuValue(int Cpu, JsonNode? Value);

    private BtfDatasec? Datasec => _valueType != 0 && btf!.Skip(_valueType) is BtfDatasec d ? d : null;

    public void WriteText(TextWriter w, IReadOnlyList<MapEntry> entries)
    {
        foreach (var e in entries)
        {
            string key = Text(_keyType, e.Key);
            if (e.Value is null)
                w.WriteLine($"key: {key}  error: {e.Error}");
            else if (_perCpu)
            {
                w.WriteLine($"key: {key}");
                foreach (var (cpu, slot) in Slots(e.Value))
                    w.WriteLine($"  cpu {cpu}: {Text(_valueType, slot)}");
            }
            else if (Datasec is { } section)
                WriteVariables(w, section, e.Value);
            else
                w.WriteLine($"key: {key}  value: {Text(_valueType, e.Value)}");
        }
        w.WriteLine($"Found {entries.Count} element{(entries.Count == 1 ? "" : "s")}");
    }

    public List<JsonEntry> ToJson(IReadOnlyList<MapEntry> entries) => entries.Select(e => e.Value is null
        ? new JsonEntry(Json(_keyType, e.Key), null, null, e.Error)
        : _perCpu
            ? new JsonEntry(Json(_keyType, e.Key), null, Slots(e.Value).Select(s => new JsonCpuValue(s.Cpu, Json(_valueType, s.Slot))).ToList(), null)
            : new JsonEntry(Json(_keyType, e.Key), Json(_valueType, e.Value), null, null)).ToList();

    // Global data: one line per variable, so `.data` reads like the C that declared it.
    private void WriteVariables(TextWriter w, BtfDatasec section, byte[] value)
    {
        w.WriteLine($"{section.Name}:");
        foreach (var v in section.Variables)
        {
            string name = btf![v.Type].Name;
            string text = v.Offset + (long)v.Size <= value.Length
                ? Text((int)v.Type, value.AsSpan((int)v.Offset, (int)v.Size).ToArray())
                : "(outside the value)";
            w.WriteLine($"  {name} = {text}");
        }
    }

    /// <summary>Per-CPU values: value_size rounded up to 8 bytes per possible CPU.</summary>
    private IEnumerable<(int Cpu, byte[] Slot)> Slots(byte[] value)
    {
        int stride = (info.ValueSize + 7) & ~7;
        for (int cpu = 0; stride > 0 && (cpu + 1) * stride <= value.Length; cpu++)
            yield return (cpu, value.AsSpan(cpu * stride, info.ValueSize).ToArray());
    }

    private string Text(int typeId, byte[] bytes)
    {
        if (typeId != 0)
        {
            try { return BtfValueFormatter.Format(btf!, typeId, bytes); }
            catch (BtfException e) { Warn(e); }
        }
        return string.Join(' ', bytes.Select(b => b.ToString("x2")));
    }

    private JsonNode? Json(int typeId, byte[] bytes)
    {
        if (typeId != 0)
        {
            try { return BtfValueFormatter.ToJson(btf!, typeId, bytes); }
            catch (BtfException e) { Warn(e); }
        }
        return new JsonArray(bytes.Select(b => (JsonNode?)JsonValue.Create($"0x{b:x2}")).ToArray());
    }

    // The map's BTF not matching its bytes is the map creator's bug, not the user's: show hex and say why, once.
    private void Warn(BtfException e)
    {
        if (_warned) return;
        _warned = true;
        stderr.WriteLine($"warning: map {info.Id} '{info.Name}': BTF does not describe the bytes ({e.Message}); showing hex.");
    }
}
