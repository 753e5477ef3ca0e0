using System.Text.Json.Nodes;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>`ebpf map dump ID|PATH`: BTF-formatted where the map has BTF, hex where not, checked against bpftool's "formatted" output.</summary>
public class MapDumpTests
{
    private static byte[] Counters(ulong packets, ulong bytes) => [.. BitConverter.GetBytes(packets), .. BitConverter.GetBytes(bytes)];

    private static BpfObject LoadWithTraffic()
    {
        var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        bpf.Maps["traffic"].Update(BitConverter.GetBytes(0u), Counters(5, 300));
        bpf.Maps["traffic"].Update(BitConverter.GetBytes(1u), Counters(7, 420));
        return bpf;
    }

    [KernelFact]
    public void Dump_by_id_prints_values_through_btf()
    {
        using var bpf = LoadWithTraffic();
        uint id = bpf.Maps["traffic"].Info.Id;
        var (code, text, err) = CliRunner.Run("map", "dump", id.ToString());
        Assert.True(code == 0, err);
        Assert.Equal("key: 0  value: { packets = 5, bytes = 300 }\nkey: 1  value: { packets = 7, bytes = 420 }\nFound 2 elements\n", text.ReplaceLineEndings("\n"));
    }

    [KernelFact]
    public void Json_dump_agrees_with_bpftool_formatted()
    {
        using var bpf = LoadWithTraffic();
        bpf.Maps["blocked"].Update(BitConverter.GetBytes(0x0100007fu), BitConverter.GetBytes(3UL));
        foreach (var name in new[] { "traffic", "blocked" })
        {
            uint id = bpf.Maps[name].Info.Id;
            var (code, json, err) = CliRunner.Run("map", "dump", id.ToString(), "--json");
            Assert.True(code == 0, err);
            var mine = JsonNode.Parse(json)!.AsArray();
            var theirs = Bpftool.Json("map", "dump", "id", id.ToString()).AsArray();
            Assert.Equal(theirs.Count, mine.Count);
            for (int i = 0; i < mine.Count; i++)
            {
                var formatted = theirs[i]!["formatted"]!;
                Assert.True(JsonNode.DeepEquals(formatted["key"], mine[i]!["key"]), $"{name} key: {formatted["key"]!.ToJsonString()} vs {mine[i]!["key"]!.ToJsonString()}");
                Assert.True(JsonNode.DeepEquals(formatted["value"], mine[i]!["value"]), $"{name} value: {formatted["value"]!.ToJsonString()} vs {mine[i]!["value"]!.ToJsonString()}");
            }
        }
    }

    [KernelFact]
    public void Dump_by_pinned_path()
    {
        using var bpf = LoadWithTraffic();
        var dir = $"/sys/fs/bpf/ebpf-cli-test-{Guid.NewGuid():N}";
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "traffic");
            bpf.Maps["traffic"].Pin(path);
            var (code, text, err) = CliRunner.Run("map", "dump", path);
            Assert.True(code == 0, err);
            Assert.Contains("key: 1  value: { packets = 7, bytes = 420 }", text);
        }
        finally
        {
            foreach (var f in Directory.EnumerateFiles(dir)) File.Delete(f);
            Directory.Delete(dir);
        }
    }

    [KernelFact]
    public void Map_without_btf_dumps_hex_like_bpftool()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, name: "cli_nobtf");
        map.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(42UL));
        uint id = map.Info.Id;
        var (code, text, err) = CliRunner.Run("map", "dump", id.ToString());
        Assert.True(code == 0, err);
        Assert.Equal("key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00\nFound 1 element\n", text.ReplaceLineEndings("\n"));

        (code, var json, err) = CliRunner.Run("map", "dump", id.ToString(), "--json");
        Assert.True(code == 0, err);
        var theirs = Bpftool.Json("map", "dump", "id", id.ToString()).AsArray()[0]!;
        var mine = JsonNode.Parse(json)!.AsArray()[0]!;
        Assert.True(JsonNode.DeepEquals(theirs["key"], mine["key"]));
        Assert.True(JsonNode.DeepEquals(theirs["value"], mine["value"]));
    }

    [KernelFact]
    public void Per_cpu_map_prints_one_value_per_possible_cpu()
    {
        using var map = BpfMap.Create(BpfMapType.PercpuArray, 4, 4, 1, name: "cli_percpu");
        var values = new byte[map.ElementValueSize];
        for (int cpu = 0; cpu < PossibleCpus.Count; cpu++) values[cpu * 8] = (byte)(cpu + 1);
        map.Update(BitConverter.GetBytes(0u), values);
        var (code, text, err) = CliRunner.Run("map", "dump", map.Info.Id.ToString());
        Assert.True(code == 0, err);
        Assert.Contains("key: 00 00 00 00\n  cpu 0: 01 00 00 00\n", text.ReplaceLineEndings("\n"));
        Assert.Equal(PossibleCpus.Count, text.Split('\n').Count(l => l.StartsWith("  cpu ")));

        (code, var json, err) = CliRunner.Run("map", "dump", map.Info.Id.ToString(), "--json");
        Assert.True(code == 0, err);
        var cpus = JsonNode.Parse(json)!.AsArray()[0]!["values"]!.AsArray();
        Assert.Equal(PossibleCpus.Count, cpus.Count);
        Assert.Equal("\"0x01\"", cpus[0]!["value"]![0]!.ToJsonString());
    }

    [KernelFact]
    public void Global_data_map_dumps_variables_by_name()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("global_data"));
        uint data = bpf.Maps[".data"].Info.Id, rodata = bpf.Maps[".rodata"].Info.Id;
        var (code, text, err) = CliRunner.Run("map", "dump", data.ToString());
        Assert.True(code == 0, err);
        Assert.Equal(".data:\n  data_counter = 7\n  data_small = -3\n  static_data = 5\nFound 1 element\n", text.ReplaceLineEndings("\n"));
        (code, text, err) = CliRunner.Run("map", "dump", rodata.ToString());
        Assert.True(code == 0, err);
        Assert.Contains("  ro_config = { port = 443, proto = 6, pad = [0, 0, 0], limit = 1048576 }\n  ro_name = \"fixture\"\n", text.ReplaceLineEndings("\n"));

        // bpftool prints a section as {".rodata": [{var: value}, ...]}; ours is one object of the variables.
        (code, var json, err) = CliRunner.Run("map", "dump", rodata.ToString(), "--json");
        Assert.True(code == 0, err);
        var theirs = new JsonObject();
        foreach (var v in Bpftool.Json("map", "dump", "id", rodata.ToString())[0]!["formatted"]!["value"]![".rodata"]!.AsArray())
            foreach (var (k, value) in v!.AsObject())
                theirs[k] = value?.DeepClone();
        var mine = JsonNode.Parse(json)!.AsArray()[0]!["value"];
        Assert.True(JsonNode.DeepEquals(theirs, mine), $"{theirs.ToJsonString()} vs {mine?.ToJsonString()}");
    }

    [KernelFact]
    public void Unknown_id_or_path_is_an_error_naming_it()
    {
        var (code, output, err) = CliRunner.Run("map", "dump", "4000000000");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("no map with id 4000000000", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = CliRunner.Run("map", "dump", "/sys/fs/bpf/ebpf-cli-no-such-map");
        Assert.Equal(1, code);
        Assert.Contains("'/sys/fs/bpf/ebpf-cli-no-such-map'", err);
    }

    [KernelFact]
    public void A_pinned_program_is_not_a_map()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var path = $"/sys/fs/bpf/ebpf-cli-prog-{Guid.NewGuid():N}";
        bpf.Programs["count_ingress"].Pin(path);
        try
        {
            var (code, _, err) = CliRunner.Run("map", "dump", path);
            Assert.Equal(1, code);
            Assert.Contains(path, err);
            Assert.Contains("not a map", err);
        }
        finally { File.Delete(path); }
    }
}
