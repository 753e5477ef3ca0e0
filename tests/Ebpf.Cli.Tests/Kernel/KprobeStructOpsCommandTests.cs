using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>
/// ebpf attach kprobe (this VM has no kprobes: the library's attach, the one a kprobe kernel runs, fails naming the config
/// option) and ebpf attach struct-ops (a clang TCP congestion control registered, pinned, listed and detached).
/// </summary>
public class KprobeStructOpsCommandTests
{
    private static readonly bool HasKprobePmu = Directory.Exists("/sys/bus/event_source/devices/kprobe");
    private const string Available = "/proc/sys/net/ipv4/tcp_available_congestion_control";

    [KernelTheory]
    [InlineData("kprobe_unlink", new string[0], "kernel function 'do_unlinkat'")]
    [InlineData("kretprobe_unlink", new[] { "--function", "do_unlinkat", "--retprobe" }, "the return of 'do_unlinkat'")]
    [InlineData("ksyscall_unlinkat", new[] { "--syscall", "unlinkat" }, "'__x64_sys_unlinkat'")]
    [InlineData("kprobe_multi_unlink", new[] { "--multi", "do_unlinkat", "do_rmdir" }, "kprobe_multi")]
    public void Attach_kprobe_pins_a_probe_or_says_the_kernel_has_no_kprobes(string program, string[] target, string named)
    {
        var pin = $"/sys/fs/bpf/ebpf-cli-kprobe-{Guid.NewGuid():n}";
        var result = CliRunner.Run(["attach", "kprobe", Fixtures.Path("probes_perf"), "--program", program, .. target, "--pin", pin]);
        if (!HasKprobePmu)
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"program '{program}'", result.Err);
            Assert.Contains(named, result.Err);
            Assert.Contains("this kernel has no kprobe", result.Err); // kprobes, or kprobe_multi links
            Assert.Contains("CONFIG_KPROBE_EVENTS", result.Err);
            Assert.DoesNotContain("   at ", result.Err);
            Assert.False(File.Exists(pin));
            return;
        }
        try
        {
            Assert.True(result.ExitCode == 0, result.Err);
            Assert.Contains($"ebpf detach {pin}", result.Out);
            Assert.Equal(0, CliRunner.Run("detach", pin).ExitCode);
            Assert.False(File.Exists(pin));
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [KernelFact]
    public void Attach_kprobe_takes_one_target_and_a_numeric_offset()
    {
        var file = Fixtures.Path("probes_perf");
        var two = CliRunner.Run("attach", "kprobe", file, "-p", "kprobe_unlink", "--function", "do_unlinkat", "--syscall", "unlinkat");
        Assert.Equal(1, two.ExitCode);
        Assert.Contains("give one of --function, --syscall and --multi", two.Err);
        var offset = CliRunner.Run("attach", "kprobe", file, "-p", "kprobe_unlink", "--function", "do_unlinkat+x");
        Assert.Equal(1, offset.ExitCode);
        Assert.Contains("must be a number of bytes", offset.Err);
    }

    [KernelFact]
    public void Attach_struct_ops_registers_a_congestion_control_until_detached()
    {
        const string algorithm = "ebpf_dotnet_cc";
        var pin = $"/sys/fs/bpf/ebpf-cli-structops-{Guid.NewGuid():n}";
        try
        {
            var attach = CliRunner.Run("attach", "struct-ops", Fixtures.Path("struct_ops_cc"), "--map", algorithm, "--pin", pin);
            if (attach.ExitCode != 0 && attach.Err.Contains("ENOTSUPP"))
            {
                // A kernel that refuses struct_ops programs: the error says which and why (see StructOpsTests).
                Assert.Contains($"struct_ops map '{algorithm}'", attach.Err);
                Assert.DoesNotContain("   at ", attach.Err);
                return;
            }
            Assert.True(attach.ExitCode == 0, attach.Err);
            Assert.Contains("struct tcp_congestion_ops", attach.Out);
            Assert.Contains($"ebpf detach {pin}", attach.Out);
            // The command has returned: only the pinned link keeps the algorithm registered.
            Assert.True(IsAvailable(algorithm));
            uint linkId;
            using (var link = BpfSyscall.ObjGetLink(pin))
                linkId = BpfSyscall.GetLinkInfo(link).Id;
            var row = CliRunner.Run("link", "list").Out.Split('\n').Single(l => l.TrimStart().StartsWith(linkId + " "));
            Assert.Contains("struct_ops", row);

            Assert.Equal(0, CliRunner.Run("detach", pin).ExitCode);
            Assert.False(File.Exists(pin));
            Assert.True(SpinWait.SpinUntil(() => !IsAvailable(algorithm), 5000), $"{algorithm} is still registered after ebpf detach");
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [KernelFact]
    public void Attach_struct_ops_errors_name_the_map_and_the_fix()
    {
        var legacy = CliRunner.Run("attach", "struct-ops", Fixtures.Path("struct_ops_cc_legacy"), "--map", "ebpf_dotnet_cc_legacy", "--pin", "/sys/fs/bpf/x");
        Assert.Equal(1, legacy.ExitCode);
        Assert.Contains("struct_ops map 'ebpf_dotnet_cc_legacy'", legacy.Err);
        Assert.Contains(".struct_ops.link", legacy.Err); // refused before loading, which would have registered it

        var notOps = CliRunner.Run("attach", "struct-ops", Fixtures.Path("probes_perf"), "--map", "probe_hits");
        Assert.Equal(1, notOps.ExitCode);
        Assert.Contains("map 'probe_hits'", notOps.Err);
        Assert.Contains("not struct_ops", notOps.Err);
        foreach (var err in new[] { legacy.Err, notOps.Err })
            Assert.DoesNotContain("   at ", err);
    }

    private static bool IsAvailable(string algorithm) =>
        File.ReadAllText(Available).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(algorithm);
}
