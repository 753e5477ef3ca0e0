using System.Text.Json.Nodes;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>`ebpf prog show ID`: one program's row, its maps, and the links that attach it; `prog show` alone still lists all.</summary>
public class ProgShowTests
{
    [KernelFact]
    public void Prog_show_id_shows_the_program_its_maps_and_its_cgroup_link()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_egress"];
        uint id = program.Info.Id;
        using var link = (BpfLink)program.AsCgroupSkb().Attach(cgroup);
        uint linkId = link.Info.Id;

        var (code, text, err) = CliRunner.Run("prog", "show", id.ToString());
        Assert.True(code == 0, err);
        Assert.Matches($@"(?m)^{id}\s+cgroup_skb\s+count_egress\s", text);
        Assert.Matches($@"(?m)^{bpf.Maps["traffic"].Info.Id}\s+\w+\s+traffic\s", text);
        Assert.Matches($@"(?m)^{linkId}\s+cgroup\s+{id}\s+cgroup_inet_egress\s+cgroup {cgroup.Id}$", text);
        Assert.DoesNotContain("count_ingress", text); // only this program

        (code, var json, err) = CliRunner.Run("prog", "show", id.ToString(), "--json");
        Assert.True(code == 0, err);
        var node = JsonNode.Parse(json)!;
        Assert.Equal(id, (uint)node["id"]!);
        Assert.Equal("count_egress", (string)node["name"]!);
        Assert.Contains(bpf.Maps["traffic"].Info.Id, node["maps"]!.AsArray().Select(m => (uint)m!["id"]!));
        var l = Assert.Single(node["links"]!.AsArray());
        Assert.Equal(linkId, (uint)l!["id"]!);
        Assert.Equal("cgroup", (string)l["type"]!);
        Assert.Equal("cgroup_inet_egress", (string)l["attach_type"]!);
        Assert.Equal(cgroup.Id, (ulong)l["cgroup_id"]!);
    }

    [KernelFact]
    public void Prog_show_of_an_unattached_program_has_no_links_and_the_link_is_gone_after_dispose()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_egress"];
        using (program.AsCgroupSkb().Attach(cgroup)) { }
        var (code, json, err) = CliRunner.Run("prog", "show", program.Info.Id.ToString(), "--json");
        Assert.True(code == 0, err);
        Assert.Empty(JsonNode.Parse(json)!["links"]!.AsArray());
    }

    [KernelFact]
    public void Prog_show_without_an_id_and_prog_list_still_list_every_program()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        uint id = bpf.Programs["count_ingress"].Info.Id;
        foreach (var verb in new[] { "show", "list" })
        {
            var (code, text, err) = CliRunner.Run("prog", verb);
            Assert.True(code == 0, err);
            Assert.Matches($@"(?m)^{id}\s+cgroup_skb\s+count_ingress\s", text);
            Assert.Matches($@"(?m)^{bpf.Programs["count_egress"].Info.Id}\s+cgroup_skb\s+count_egress\s", text);
            (code, var json, err) = CliRunner.Run("prog", verb, "--json");
            Assert.True(code == 0, err);
            Assert.Contains(JsonNode.Parse(json)!.AsArray(), p => (uint)p!["id"]! == id);
        }
    }

    [KernelFact]
    public void Prog_show_of_an_unknown_id_is_a_clear_error()
    {
        var used = BpfSyscall.GetIds(BpfObjectKind.Program).ToHashSet();
        uint unknown = 0x7FFF_FFF0;
        while (used.Contains(unknown)) unknown--;
        var (code, text, err) = CliRunner.Run("prog", "show", unknown.ToString());
        Assert.Equal(1, code);
        Assert.Equal("", text);
        Assert.Contains($"no program with id {unknown}", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = CliRunner.Run("prog", "show", "not-a-number");
        Assert.Equal(1, code);
        Assert.NotEqual("", err);
    }
}
