using System.Text.Json;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests;

public class InspectTests
{
    [Fact]
    public void Tables_show_programs_maps_global_data_and_btf()
    {
        var (code, output, error) = CliRunner.Run("inspect", Fixtures.Path("cgroup_skb"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Matches(@"count_ingress\s+cgroup_skb/ingress\s+cgroup_skb\s+cgroup_inet_ingress\s+15", output);
        Assert.Matches(@"either_direction\s+cgroup/skb\s+cgroup_skb\s+-\s+2", output);
        Assert.Matches(@"blocked\s+hash\s+4\s+8\s+1024\s+0x1", output);
        Assert.Matches(@"traffic\s+array\s+4\s+16\s+2\s+0x0", output);
        Assert.Contains("license: Dual BSD/GPL", output);
        Assert.Matches(@"btf: \d+ types", output);

        var data = CliRunner.Run("inspect", Fixtures.Path("global_data")).Out;
        Assert.Matches(@"ro_config\s+8\s+16\s+const volatile struct config", data);
        Assert.Matches(@"\.bss\s+bss\s+40", data);
    }

    [Fact]
    public void Json_carries_the_same_facts_for_scripts()
    {
        var (code, output, _) = CliRunner.Run("inspect", Fixtures.Path("map_in_map"), "--json");
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(output).RootElement;
        var maps = root.GetProperty("maps").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal("array_of_maps", maps["outer_array"].GetProperty("type").GetString());
        Assert.Equal(4096, maps["events"].GetProperty("max_entries").GetInt32());
        var programs = root.GetProperty("programs").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["tail_target", "use_maps"], programs);
        Assert.True(root.GetProperty("btf").GetProperty("line_infos").GetInt32() > 0);
    }

    [Fact]
    public void A_section_without_direction_is_reported_with_its_fix_and_exit_code_1()
    {
        var path = Path.Combine(Fixtures.Directory, "bad", "bare_cgroup_skb.o");
        var (code, output, error) = CliRunner.Run("inspect", path);
        Assert.Equal(1, code); // a lint for CI: the object has a problem a loader would refuse
        // The full report still comes, with the problem and its fix in it.
        Assert.Contains("needs a direction", output);
        Assert.Contains("\"cgroup_skb/ingress\"", output);
        Assert.Contains("\"cgroup_skb/egress\"", output);
        Assert.Contains("\"cgroup/skb\"", output);
        Assert.Contains("maps:", output);
        Assert.Matches(@"btf: \d+ types", output);
        var problem = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: program '", problem);
        Assert.Contains("needs a direction", problem);

        var json = CliRunner.Run("inspect", path, "--json");
        Assert.Equal(1, json.ExitCode);
        Assert.Contains("needs a direction", JsonDocument.Parse(json.Out).RootElement.GetProperty("programs")[0].GetProperty("error").GetString());
    }

    [Fact]
    public void Unknown_sections_are_each_an_error_with_exit_code_1()
    {
        var path = Path.Combine(Fixtures.Directory, "bad", "misspelled.o");
        var (code, output, error) = CliRunner.Run("inspect", path);
        Assert.Equal(1, code);
        Assert.Matches(@"wrong_direction\s+cgroup_skb/ingres\s+error", output);
        Assert.Matches(@"typo_xdp\s+xdpp\s+error", output);
        var problems = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, problems.Length);
        Assert.Contains(problems, p => p.Contains("'wrong_direction'") && p.Contains("cgroup_skb/ingress")); // the closest valid name
        Assert.Contains(problems, p => p.Contains("'typo_xdp'") && p.Contains("xdp"));
    }

    [Fact]
    public void A_sound_object_exits_0_with_nothing_on_stderr()
    {
        foreach (var fixture in new[] { "cgroup_skb", "map_in_map", "global_data", "events" })
        {
            var (code, _, error) = CliRunner.Run("inspect", Fixtures.Path(fixture));
            Assert.True(code == 0, $"{fixture}: {error}");
            Assert.Equal("", error);
        }
    }

    [Fact]
    public void Errors_go_to_stderr_with_exit_code_1_and_no_stack_trace()
    {
        var missing = CliRunner.Run("inspect", "/nonexistent/x.o");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: /nonexistent/x.o", missing.Err);
        Assert.DoesNotContain("   at ", missing.Err);

        var notElf = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notElf, "this is not an object file at all, but it is long enough to have a header");
            var bad = CliRunner.Run("inspect", notElf);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("not an ELF file", bad.Err);
            Assert.DoesNotContain("   at ", bad.Err);
            Assert.Equal("", bad.Out);
        }
        finally
        {
            File.Delete(notElf);
        }
    }
}
