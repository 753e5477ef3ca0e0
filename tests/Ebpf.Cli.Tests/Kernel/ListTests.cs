using System.Text.Json;
using System.Text.Json.Nodes;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>`ebpf prog list`, `ebpf map list`: the objects this test loads are listed and agree with bpftool.</summary>
public class ListTests
{
    [KernelFact]
    public void Prog_list_shows_loaded_programs_as_bpftool_does()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        uint id = bpf.Programs["count_ingress"].Info.Id;

        var (code, text, err) = CliRunner.Run("prog", "list");
        Assert.True(code == 0, err);
        Assert.Matches($@"(?m)^{id}\s+cgroup_skb\s+count_ingress\s", text);

        (code, var json, err) = CliRunner.Run("prog", "list", "--json");
        Assert.True(code == 0, err);
        var mine = JsonNode.Parse(json)!.AsArray().Single(p => (uint)p!["id"]! == id)!;
        var theirs = Bpftool.Json("prog", "show", "id", id.ToString());
        foreach (var key in new[] { "id", "type", "name", "tag", "gpl_compatible", "uid", "bytes_xlated", "jited", "bytes_jited", "btf_id" })
            Assert.True(JsonNode.DeepEquals(theirs[key], mine[key]), $"{key}: bpftool {theirs[key]?.ToJsonString()}, ebpf {mine[key]?.ToJsonString()}");
        Assert.Equal(theirs["map_ids"]!.AsArray().Select(x => (uint)x!).Order(), mine["map_ids"]!.AsArray().Select(x => (uint)x!).Order());
        Assert.Contains(bpf.Maps["traffic"].Info.Id, mine["map_ids"]!.AsArray().Select(x => (uint)x!));
        // Both convert boot-relative nanoseconds to wall time, from slightly different clocks.
        Assert.InRange((long)mine["loaded_at"]! - (long)theirs["loaded_at"]!, -3, 3);
    }

    [KernelFact]
    public void Prog_list_shows_run_count_while_stats_are_enabled()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_ingress"];
        using (BpfSyscall.EnableStats())
        {
            program.TestRun(new byte[64], repeat: 3);
            var (code, json, err) = CliRunner.Run("prog", "list", "--json");
            Assert.True(code == 0, err);
            var mine = JsonNode.Parse(json)!.AsArray().Single(p => (uint)p!["id"]! == program.Info.Id)!;
            Assert.True((ulong)mine["run_cnt"]! >= 3, mine.ToJsonString());
            Assert.True((ulong)mine["run_time_ns"]! > 0);
            (code, var text, _) = CliRunner.Run("prog", "list");
            Assert.Contains("RUNS", text.Split('\n')[0]);
        }
    }

    [KernelFact]
    public void Map_list_shows_loaded_maps_as_bpftool_does()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        foreach (var name in new[] { "traffic", "blocked" })
        {
            uint id = bpf.Maps[name].Info.Id;
            var (code, text, err) = CliRunner.Run("map", "list");
            Assert.True(code == 0, err);
            Assert.Matches($@"(?m)^{id}\s+(array|hash)\s+{name}\s", text);

            (code, var json, err) = CliRunner.Run("map", "list", "--json");
            Assert.True(code == 0, err);
            var mine = JsonNode.Parse(json)!.AsArray().Single(m => (uint)m!["id"]! == id)!;
            var theirs = Bpftool.Json("map", "show", "id", id.ToString());
            foreach (var key in new[] { "id", "type", "name", "flags", "bytes_key", "bytes_value", "max_entries", "btf_id" })
                Assert.True(JsonNode.DeepEquals(theirs[key], mine[key]), $"{name}.{key}: bpftool {theirs[key]?.ToJsonString()}, ebpf {mine[key]?.ToJsonString()}");
        }
    }

    [KernelFact]
    public void Every_listed_type_is_spelled_as_bpftool_spells_it()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("global_data"));
        // bpftool prints a number for a type newer than itself (netfilter, arena, ... that other tests load meanwhile):
        // only the types it names are compared.
        var theirs = Named(Bpftool.Json("map", "show"));
        var (_, json, _) = CliRunner.Run("map", "list", "--json");
        foreach (var m in JsonNode.Parse(json)!.AsArray())
            if (theirs.TryGetValue((uint)m!["id"]!, out var type)) // others' tests may load and unload maps meanwhile
                Assert.Equal(type, (string)m["type"]!);
        var progs = Named(Bpftool.Json("prog", "show"));
        (_, json, _) = CliRunner.Run("prog", "list", "--json");
        foreach (var p in JsonNode.Parse(json)!.AsArray())
            if (progs.TryGetValue((uint)p!["id"]!, out var type))
                Assert.Equal(type, (string)p["type"]!);
    }

    private static Dictionary<uint, string> Named(JsonNode list) =>
        list.AsArray().Where(o => o!["type"]!.GetValueKind() == JsonValueKind.String).ToDictionary(o => (uint)o!["id"]!, o => (string)o!["type"]!);
}
