using System.Text.Json.Nodes;

namespace Ebpf.Cli.Tests;

/// <summary>`ebpf btf funcs`: what fentry, lsm and tp_btf programs can attach to, read from the running kernel's BTF.</summary>
public class BtfFuncsTests
{
    [Fact]
    public void Fentry_targets_are_kernel_functions_matching_the_glob_sorted()
    {
        var (code, output, err) = CliRunner.Run("btf", "funcs", "do_unlink*");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("do_unlinkat", lines);
        Assert.All(lines, l => Assert.StartsWith("do_unlink", l));
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines);

        (code, output, err) = CliRunner.Run("btf", "funcs", "do_unlinka?", "--kind", "fexit");
        Assert.True(code == 0, err);
        Assert.Equal("do_unlinkat", output.Trim());
    }

    [Fact]
    public void Lsm_hooks_are_shown_without_the_bpf_lsm_prefix()
    {
        var (code, output, err) = CliRunner.Run("btf", "funcs", "--kind", "lsm", "file_open");
        Assert.True(code == 0, err);
        Assert.Equal("file_open", output.Trim());

        (code, output, err) = CliRunner.Run("btf", "funcs", "--kind", "lsm", "file_*");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("file_open", lines);
        Assert.Contains("file_permission", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("bpf_lsm_"));
    }

    [Fact]
    public void Tp_btf_targets_are_the_btf_trace_typedefs_without_their_prefix()
    {
        var (code, output, err) = CliRunner.Run("btf", "funcs", "--kind", "tp_btf", "sched_switch");
        Assert.True(code == 0, err);
        Assert.Equal("sched_switch", output.Trim());

        (code, output, err) = CliRunner.Run("btf", "funcs", "--kind", "tp_btf", "sched_*", "--json");
        Assert.True(code == 0, err);
        var names = JsonNode.Parse(output)!.AsArray().Select(t => (string)t!["name"]!).ToList();
        Assert.Contains("sched_switch", names);
        Assert.Contains("sched_process_exec", names);
        Assert.All(JsonNode.Parse(output)!.AsArray(), t => Assert.True((int)t!["btf_id"]! > 0));
    }

    [Fact]
    public void File_option_reads_that_btf_and_bad_input_is_a_clear_error()
    {
        var (code, output, err) = CliRunner.Run("btf", "funcs", "do_unlinkat", "--file", "/sys/kernel/btf/vmlinux");
        Assert.True(code == 0, err);
        Assert.Equal("do_unlinkat", output.Trim());

        (code, output, err) = CliRunner.Run("btf", "funcs", "--file", "/nonexistent/btf");
        Assert.Equal(1, code);
        Assert.Contains("no such file", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = CliRunner.Run("btf", "funcs", "--kind", "kprobe");
        Assert.Equal(1, code);
        Assert.NotEqual("", err);
    }
}
