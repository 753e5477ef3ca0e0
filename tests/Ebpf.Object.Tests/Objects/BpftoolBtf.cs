using System.Diagnostics;
using System.Text.Json;

namespace Ebpf.Object.Tests.Objects;

/// <summary>
/// An independent reading of an object's BTF through `bpftool -j btf dump file`, used to check
/// our maps and global data against what bpftool reports.
/// </summary>
internal sealed class BpftoolBtf
{
    private readonly Dictionary<int, JsonElement> _types = [];

    public BpftoolBtf(string objectPath)
    {
        var psi = new ProcessStartInfo("bpftool", ["-j", "btf", "dump", "file", objectPath]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bpftool failed on {objectPath}: {p.StandardError.ReadToEnd()}");
        foreach (var t in JsonDocument.Parse(json).RootElement.GetProperty("types").EnumerateArray())
            _types[t.GetProperty("id").GetInt32()] = t.Clone();
    }

    public JsonElement this[int id] => _types[id];

    public IEnumerable<JsonElement> OfKind(string kind) => _types.Values.Where(t => t.GetProperty("kind").GetString() == kind);

    public JsonElement Datasec(string name) => OfKind("DATASEC").Single(t => t.GetProperty("name").GetString() == name);

    /// <summary>Follows typedef/const/volatile/type_tag to the underlying type.</summary>
    public JsonElement Skip(int id)
    {
        for (var i = 0; i < 64; i++)
        {
            var t = _types[id];
            if (t.GetProperty("kind").GetString() is not ("TYPEDEF" or "CONST" or "VOLATILE" or "RESTRICT" or "TYPE_TAG"))
                return t;
            id = t.GetProperty("type_id").GetInt32();
        }
        throw new InvalidOperationException("type loop");
    }

    public long SizeOf(int id)
    {
        var t = Skip(id);
        return t.GetProperty("kind").GetString() switch
        {
            "PTR" => 8,
            "ARRAY" => t.GetProperty("nr_elems").GetInt64() * SizeOf(t.GetProperty("type_id").GetInt32()),
            _ => t.GetProperty("size").GetInt64(),
        };
    }

    /// <summary>A map definition as bpftool's types spell it: the N of <c>int (*field)[N]</c>, the size of <c>*key</c>/<c>*value</c>.</summary>
    public Dictionary<string, long> MapDefinition(int varId)
    {
        var def = Skip(_types[varId].GetProperty("type_id").GetInt32());
        var result = new Dictionary<string, long>();
        foreach (var m in def.GetProperty("members").EnumerateArray())
        {
            var name = m.GetProperty("name").GetString()!;
            var ptr = Skip(m.GetProperty("type_id").GetInt32());
            if (name is "values") continue;
            var target = ptr.GetProperty("type_id").GetInt32();
            result[name] = name is "key" or "value" ? SizeOf(target) : _types[target].GetProperty("nr_elems").GetInt64();
        }
        return result;
    }
}
