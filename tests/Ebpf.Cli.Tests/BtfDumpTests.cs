using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests;

public class BtfDumpTests
{
    [Fact]
    public void Type_filter_prints_c_like_bpftool()
    {
        var (code, output, _) = CliRunner.Run("btf", "dump", Fixtures.Path("cgroup_skb"), "--type", "counters", "--format", "c");
        Assert.Equal(0, code);
        Assert.Equal("struct counters {\n\t__u64 packets;\n\t__u64 bytes;\n};", output.Trim());
        Assert.Contains(output.Trim(), Bpftool("btf", "dump", "file", Fixtures.Path("cgroup_skb"), "format", "c"));
    }

    [Fact]
    public void Raw_listing_of_vmlinux_matches_bpftool_for_a_type()
    {
        var (code, output, _) = CliRunner.Run("btf", "dump", "vmlinux", "--type", "__sk_buff");
        Assert.Equal(0, code);
        var header = output.Split('\n')[0];
        Assert.Matches(@"^\[\d+\] STRUCT '__sk_buff' size=\d+ vlen=\d+$", header);
        Assert.Contains(header, Bpftool("btf", "dump", "file", "/sys/kernel/btf/vmlinux"));
    }

    [Fact]
    public void Unknown_type_is_an_error()
    {
        var (code, _, error) = CliRunner.Run("btf", "dump", Fixtures.Path("minimal"), "--type", "no_such_type");
        Assert.Equal(1, code);
        Assert.Contains("no BTF type named 'no_such_type'", error);
    }

    private static string Bpftool(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool", args) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text;
    }
}
