using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>What the kernel makes of the native layer's naming rule and of an operation it lacks.</summary>
public class KernelNameTests
{
    [KernelTheory]
    [InlineData("per-cpu:stats")]
    [InlineData("café_counters_by_port")]
    [InlineData("ok_name")]
    public void The_kernel_takes_the_names_made_and_reports_them_as_made(string name)
    {
        using var map = BpfMap.Create(BpfMapType.Array, 4, 8, 1, name: name);
        Assert.Equal(BpfObjectName.ForKernel(name), map.Info.Name);
    }

    [KernelFact]
    public void The_kernels_answer_to_an_unsupported_test_run_is_recognised()
    {
        // kprobe programs have no BPF_PROG_TEST_RUN: the kernel answers ENOTSUPP (524), which strerror does not know.
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["kprobe_unlink"] });
        var e = Assert.ThrowsAny<BpfSyscallException>(() => bpf.Programs["kprobe_unlink"].TestRun(new byte[64]));
        Assert.True(e.IsNotSupported, $"{e.ErrnoName}: {e.Message}");
    }
}
