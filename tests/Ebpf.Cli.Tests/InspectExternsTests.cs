using System.Text.Json;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf inspect</c> lists an object's externs (fixture externs.c) with what they resolve to on this machine.</summary>
public class InspectExternsTests
{
    [Fact]
    public void Externs_are_listed_with_their_kind_type_and_resolution()
    {
        var (code, output, _) = CliRunner.Run("inspect", Fixtures.Path("externs"));
        Assert.Equal(0, code); // missing externs are facts of this machine, not problems of the object
        Assert.Contains("externs (resolved on this machine):", output);
        Assert.Matches(@"CONFIG_NET_SCH_INGRESS\s+kconfig\s+enum libbpf_tristate\s+", output);
        Assert.Matches(@"CONFIG_EBPF_DOTNET_NO_SUCH_OPTION\s+kconfig\s+int\s+yes\s+missing \(weak: 0\): not set in this kernel's config", output);
        Assert.Matches(@"ebpf_dotnet_missing_strong\s+kfunc\s+function\s+missing: no function of that name", output);
        Assert.Matches(@"bpf_prog_active\s+typed_ksym\s+const int\s+", output);
    }

    [KernelFact]
    public void Json_gives_the_values_this_kernel_resolves()
    {
        var root = JsonDocument.Parse(CliRunner.Run("inspect", Fixtures.Path("externs"), "--json").Out).RootElement;
        var externs = root.GetProperty("externs").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var stext = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ')).First(f => f.Length >= 3 && f[2] == "_stext")[0];
        Assert.Equal($"address 0x{Convert.ToUInt64(stext, 16):x} (/proc/kallsyms)", externs["_stext"].GetProperty("resolves_to").GetString());
        Assert.True(externs["bpf_task_from_pid"].GetProperty("found").GetBoolean());
        Assert.StartsWith("vmlinux BTF id ", externs["bpf_task_from_pid"].GetProperty("resolves_to").GetString());
        Assert.False(externs["ebpf_dotnet_no_such_kfunc"].GetProperty("found").GetBoolean());
        Assert.True(externs["ebpf_dotnet_no_such_kfunc"].GetProperty("weak").GetBoolean());
        Assert.Equal("typeless_ksym", externs["_stext"].GetProperty("kind").GetString());
    }
}
