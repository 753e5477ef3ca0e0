using Ebpf.Native;
using static Ebpf.Events.Tests.EventsProgram;

namespace Ebpf.Events.Tests;

public class PerfEventTests
{
    [KernelFact]
    public void Records_from_both_cpus_arrive_in_order_per_cpu_including_ones_that_wrap_the_ring()
    {
        using var program = new EventsProgram();
        // One data page per CPU: records of up to 1 KiB wrap its end often and are handed out from the copy buffer.
        using var reader = program.Perf.AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = 1 });
        Assert.Equal(CpuList.Online(), reader.Cpus);
        const int count = 1500;
        uint[] sizes = [16, 20, 100, 333, 1000, 64];
        var seen = new[] { new List<RecordHeader>(), new List<RecordHeader>() };
        var producers = new[] { 0, 1 }.Select(cpu => StartPinned(cpu, () =>
        {
            // At most two records in flight per CPU, so one-page rings never fill while the consumer keeps up.
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(ResultSubmitted, program.ProducePerf(sizes[i % sizes.Length]));
                int sent = i + 1;
                SpinWait.SpinUntil(() => { lock (seen[cpu]) return seen[cpu].Count >= sent - 2; }, 2000);
            }
        })).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        int total = 0;
        while (total < 2 * count && DateTime.UtcNow < deadline)
            total += reader.Poll(r =>
            {
                var h = Check(r, padded: true);
                Assert.Equal(0, (r.Length + 4) % 8); // the kernel pads size field + sample to 8 bytes
                lock (seen[h.Cpu]) seen[h.Cpu].Add(h);
            }, TimeSpan.FromMilliseconds(200));
        foreach (var p in producers) p.Join();
        Assert.Equal(0UL, program.Failures);
        Assert.Equal(0UL, reader.LostRecords);
        for (int cpu = 0; cpu < 2; cpu++)
            Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), seen[cpu].Select(h => h.Seq));
    }

    [KernelFact]
    public void A_stalled_consumer_loses_records_and_the_lost_count_equals_the_kernels_drops()
    {
        using var program = new EventsProgram();
        using var reader = program.Perf.AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = 1 });
        var events = new List<PerfRecordsLostEventArgs>();
        reader.RecordsLost += (_, e) => events.Add(e);
        var results = new List<uint>();
        RunPinned(1, () =>
        {
            for (int i = 0; i < 30; i++) results.Add(program.ProducePerf(1000));
        });
        ulong dropped = program.Failures;
        Assert.True(dropped > 20, $"only {dropped} outputs failed");
        Assert.Equal((int)dropped, results.Count(r => r == ResultFull));

        var received = new List<RecordHeader>();
        int first = reader.Consume(r => received.Add(Check(r, padded: true)));
        Assert.Equal(30 - (int)dropped, first);
        // The kernel writes PERF_RECORD_LOST once there is room again, ahead of the next record.
        RunPinned(1, () => Assert.Equal(ResultSubmitted, program.ProducePerf(16)));
        var collector = new Collector(received, padded: true);
        Assert.Equal(1, reader.Consume(ref collector));
        Assert.Equal(dropped, reader.LostRecords);
        var lost = Assert.Single(events);
        Assert.Equal(1, lost.Cpu);
        Assert.Equal(dropped, lost.Count);
        Assert.Equal(Enumerable.Range(0, first).Append(30).Select(i => (ulong)i), received.Select(h => h.Seq));
        Assert.All(received, h => Assert.Equal(1u, h.Cpu));
        Assert.Equal(0, reader.ShortSamples);
    }

    [KernelFact]
    public async Task ReadAllAsync_and_the_channel_read_perf_records()
    {
        using var program = new EventsProgram();
        using (var reader = program.Perf.AsPerfEventArray())
        {
            RunPinned(0, () => { for (int i = 0; i < 100; i++) program.ProducePerf(40); });
            var seqs = new List<ulong>();
            await foreach (var h in reader.ReadAllAsync<RecordHeader>())
                if (seqs.Count < 100) { seqs.Add(h.Seq); if (seqs.Count == 100) break; }
            Assert.Equal(Enumerable.Range(0, 100).Select(i => (ulong)i), seqs);
        }
        using (var reader = program.Perf.AsPerfEventArray(new PerfEventReaderOptions { WakeupWatermark = 2048 }))
        {
            var channel = reader.ReadToChannel<RecordHeader>();
            // A watermark wakes the reader only once 2 KiB wait: the bytes after the 100 records read make sure the
            // last of them are followed by a wake-up (records below the watermark wait for the next one, as in libbpf).
            RunPinned(0, () => { for (int i = 0; i < 400; i++) program.ProducePerf(40); });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            for (int i = 0; i < 100; i++) Assert.Equal((ulong)(100 + i), (await channel.ReadAsync(cts.Token)).Seq);
        }
    }

    [KernelFact]
    public void Bad_maps_and_options_are_refused_with_the_fix()
    {
        using var program = new EventsProgram();
        var e = Assert.Throws<BpfException>(() => program.Perf.AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = 3 }));
        Assert.Contains("power of 2", e.Message);
        e = Assert.Throws<BpfException>(() => program.Perf.AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = 1, WakeupWatermark = 4096 }));
        Assert.Contains("WakeupWatermark", e.Message);

        using var small = BpfMap.Create(BpfMapType.PerfEventArray, 4, 4, 1, name: "small");
        e = Assert.Throws<BpfException>(() => small.AsPerfEventArray());
        Assert.Contains("map 'small'", e.Message);
        Assert.Contains($"{PossibleCpus.Count} possible CPUs", e.Message);
        Assert.Contains("max_entries 0", e.Message);
    }

    [KernelFact]
    public void Dispose_takes_the_perf_events_out_of_the_map()
    {
        using var program = new EventsProgram();
        using (program.Perf.AsPerfEventArray())
        {
            RunPinned(0, () => Assert.Equal(ResultSubmitted, program.ProducePerf(16)));
        }
        // With no perf event in the map, bpf_perf_event_output fails (ENOENT) instead of writing to a dead ring.
        RunPinned(0, () => Assert.Equal(ResultFull, program.ProducePerf(16)));
    }
}
