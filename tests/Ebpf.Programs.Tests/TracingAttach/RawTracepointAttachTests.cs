using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>Raw tracepoints by name (BPF_RAW_TRACEPOINT_OPEN): execs counted with the raw old_pid argument.</summary>
[Collection(TracingAttachCollection.Name)]
public class RawTracepointAttachTests
{
    [KernelFact]
    public void Raw_sched_process_exec_counts_each_exec_and_sees_its_pid()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("tracing_attach"), new BpfLoadOptions { Programs = ["raw_exec"] });
        var program = bpf.Programs["raw_exec"].AsRawTracepoint();
        Assert.Equal("sched_process_exec", program.Name);
        using var probe = new ExecProbe();
        List<int> pids;
        using (var link = program.Attach())
        {
            Assert.Equal(BpfLinkType.RawTracepoint, link.Info.Type);
            pids = probe.Run(4);
        }
        var (count, last) = probe.Seen(bpf.Maps["execs"]);
        Assert.Equal(4UL, count);
        Assert.Equal(pids[^1], (int)last); // args[1], old_pid: the pid that exec'd
        Assert.Empty(BpfLinks.Of(bpf.Programs["raw_exec"]));
    }

    [KernelFact]
    public void Attaching_by_name_works_and_an_unknown_name_says_what_names_are()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("tracing_attach"), new BpfLoadOptions { Programs = ["raw_exec"] });
        var program = bpf.Programs["raw_exec"].AsRawTracepoint();
        using var probe = new ExecProbe();
        using (program.Attach("sched_process_exec"))
            probe.Run(2);
        Assert.Equal(2UL, probe.Seen(bpf.Maps["execs"]).Count);

        var ex = Assert.Throws<BpfException>(() => program.Attach("no_such_tracepoint_x"));
        Assert.Contains("raw_exec", ex.Message);
        Assert.Contains("'no_such_tracepoint_x'", ex.Message);
        Assert.Contains("ENOENT", ex.Message);
        Assert.Contains("without their category", Assert.Throws<BpfException>(() => program.Attach("sched/sched_switch")).Message);
    }

    [KernelFact]
    public void A_thousand_raw_attach_dispose_cycles_leak_no_descriptor()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("tracing_attach"), new BpfLoadOptions { Programs = ["raw_exec"] });
        var program = bpf.Programs["raw_exec"].AsRawTracepoint();
        program.Attach().Dispose();
        int before = BpfLinks.OpenFds();
        for (int i = 0; i < 1000; i++)
            program.Attach().Dispose();
        // Tests of other classes run meanwhile and open or close a few descriptors; a leak shows as one per cycle.
        var after = BpfLinks.OpenFds();
        Assert.True(after <= before + 16, $"descriptors grew from {before} to {after} over the cycles");
        Assert.Empty(BpfLinks.Of(bpf.Programs["raw_exec"]));
    }
}
