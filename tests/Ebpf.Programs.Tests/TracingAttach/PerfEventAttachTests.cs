using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>A CPU-clock sampler (perf_event program): samples of this process while it spins, one link per CPU or thread.</summary>
[Collection(TracingAttachCollection.Name)]
public class PerfEventAttachTests
{
    private static ulong Samples(BpfObject bpf, int pid)
    {
        var value = new byte[8];
        return bpf.Maps["samples"].TryLookup(BitConverter.GetBytes(pid), value) ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
    }

    private static void Spin(TimeSpan time)
    {
        var sw = Stopwatch.StartNew();
        ulong x = 1;
        while (sw.Elapsed < time) x = x * 6364136223846793005UL + 1;
        GC.KeepAlive(x);
    }

    [KernelFact]
    public void A_cpu_clock_sampler_on_every_cpu_collects_samples_of_a_busy_loop()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["sample"] });
        var program = bpf.Programs["sample"].AsPerfEvent();
        using (var links = program.Attach(PerfEventSpec.CpuClock(frequency: 1000)))
        {
            Assert.Equal(Ebpf.Native.CpuList.Online().Length, links.Attachments.Count);
            Assert.All(links.Attachments, a => Assert.Equal(BpfLinkType.PerfEvent, Assert.IsType<BpfLink>(a).Info.Type));
            Spin(TimeSpan.FromMilliseconds(500));
        }
        ulong during = Samples(bpf, Environment.ProcessId);
        // 1000 Hz for 0.5 s of one busy thread: about 500 samples; a loaded machine gives fewer, never none.
        Assert.InRange(during, 50UL, 5000UL);
        Assert.Empty(BpfLinks.Of(bpf.Programs["sample"]));
        Spin(TimeSpan.FromMilliseconds(200));
        Assert.Equal(during, Samples(bpf, Environment.ProcessId)); // detached: no more samples
    }

    [KernelFact]
    public void A_per_process_sampler_samples_that_process_threads_only()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["sample"] });
        using var spinner = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!;
        try
        {
            using (var links = bpf.Programs["sample"].AsPerfEvent().Attach(PerfEventSpec.CpuClock(1000).ForProcess(spinner.Id)))
            {
                Assert.Single(links.Attachments); // sh has one thread
                Thread.Sleep(500);
            }
            Assert.True(Samples(bpf, spinner.Id) >= 50, $"{Samples(bpf, spinner.Id)} samples of the spinning shell");
            Assert.Equal(0UL, Samples(bpf, Environment.ProcessId)); // this process was not sampled
        }
        finally
        {
            spinner.Kill();
            spinner.WaitForExit();
        }
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("probes_perf"), new BpfLoadOptions { Programs = ["sample"] });
        var program = bpf.Programs["sample"].AsPerfEvent();
        var spec = PerfEventSpec.CpuClock(10).OnCpus(0);
        program.Attach(spec).Dispose();
        int before = BpfLinks.OpenFds();
        for (int i = 0; i < 1000; i++)
            program.Attach(spec).Dispose();
        // Tests of other classes run meanwhile and open or close a few descriptors; a leak shows as one per cycle.
        var after = BpfLinks.OpenFds();
        Assert.True(after <= before + 16, $"descriptors grew from {before} to {after} over the cycles");
        Assert.Empty(BpfLinks.Of(bpf.Programs["sample"]));
    }
}
