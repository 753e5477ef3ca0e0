using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>
/// The kprobe family. Where the kernel has no kprobes (this VM: CONFIG_KPROBES off, no kprobe PMU) each attach fails
/// with an error naming the option; where it has them, the probe counts unlinks.
/// </summary>
[Collection(TracingAttachCollection.Name)]
public class KprobeAttachTests
{
    private static readonly bool HasKprobePmu = Directory.Exists("/sys/bus/event_source/devices/kprobe");

    [KernelTheory]
    [InlineData("kprobe_unlink", "kernel function 'do_unlinkat'")]
    [InlineData("kretprobe_unlink", "the return of 'do_unlinkat'")]
    [InlineData("ksyscall_unlinkat", "'__x64_sys_unlinkat'")]
    public void A_single_kprobe_counts_unlinks_or_says_the_kernel_has_no_kprobes(string name, string target)
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = [name] });
        var program = bpf.Programs[name].AsKprobe();
        if (!HasKprobePmu)
        {
            var ex = Assert.Throws<BpfException>(() => program.Attach());
            Assert.Contains($"program '{name}'", ex.Message);
            Assert.Contains(target, ex.Message);
            Assert.Contains("this kernel has no kprobes", ex.Message);
            Assert.Contains("CONFIG_KPROBE_EVENTS", ex.Message);
            Assert.Contains("/sys/bus/event_source/devices/kprobe", ex.Message);
            Assert.Contains("fentry/fexit", ex.Message); // what to use instead
            Assert.Empty(BpfLinks.Of(bpf.Programs[name]));
            return;
        }
        using (program.Attach())
        {
            var file = Path.GetTempFileName();
            File.Delete(file);
        }
        var value = new byte[8];
        Assert.True(bpf.Maps["probe_hits"].TryLookup(new byte[4], value));
        Assert.True(BitConverter.ToUInt64(value) >= 1);
    }

    [KernelFact]
    public void Kprobe_multi_says_the_kernel_has_no_fprobe_or_counts_unlinks()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["kprobe_multi_unlink"] });
        var program = bpf.Programs["kprobe_multi_unlink"].AsKprobe();
        try
        {
            using (program.AttachMulti(["do_unlinkat"]))
                File.Delete(Path.GetTempFileName());
        }
        catch (BpfException e) when (!HasKprobePmu)
        {
            Assert.Contains("kprobe_multi", e.Message);
            Assert.Contains("CONFIG_FPROBE", e.Message);
            Assert.Contains("do_unlinkat", e.Message);
            Assert.Contains("CONFIG_FPROBE", Assert.Throws<BpfException>(() => program.Attach()).Message); // the section's pattern do_unlink*
            return;
        }
        var value = new byte[8];
        Assert.True(bpf.Maps["probe_hits"].TryLookup(new byte[4], value));
        Assert.True(BitConverter.ToUInt64(value) >= 1);
    }

    [KernelFact]
    public void Uprobe_and_wrong_kind_programs_are_refused_by_AsKprobe()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["sample"] });
        Assert.Contains("AsKprobe", Assert.Throws<BpfException>(() => bpf.Programs["sample"].AsKprobe()).Message);
    }
}
