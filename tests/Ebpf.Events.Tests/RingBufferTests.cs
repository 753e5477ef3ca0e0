using System.Runtime.InteropServices;
using static Ebpf.Events.Tests.EventsProgram;

namespace Ebpf.Events.Tests;

public class RingBufferTests
{
    private const int RingSize = 16384;

    [KernelFact]
    public void Every_record_arrives_once_in_order_with_its_bytes_discarded_ones_never_and_wrapping_ones_whole()
    {
        using var program = new EventsProgram(RingSize);
        using var reader = program.Ring.AsRingBuffer();
        uint[] sizes = [16, 17, 24, 100, 255, 1000, 4000, 4096, 33, 777, 2049, 64];
        var received = new List<RecordHeader>();
        var expected = new List<ulong>();
        long position = 0;
        int straddling = 0;
        RunPinned(0, () =>
        {
            for (int i = 0; i < 600; i++)
            {
                uint size = sizes[i % sizes.Length];
                bool discard = i % 3 == 1;
                Assert.Equal(discard ? ResultDiscarded : ResultSubmitted, program.Produce(size, discard ? Discard : 0));
                if (!discard) expected.Add((ulong)i);
                // Where the record sits in the ring: a record whose bytes cross the end is read through the double mapping.
                long start = position % RingSize;
                if (start + 8 + size > RingSize) straddling++;
                position += (8 + size + 7) & ~7;
                // Alternate the three ways of reading; let up to three records pile up first.
                if (i % 4 != 3) continue;
                switch (i / 4 % 3)
                {
                    case 0:
                        var collector = new Collector(received, padded: false);
                        reader.Consume(ref collector);
                        break;
                    case 1:
                        reader.Consume(r => received.Add(Check(r)));
                        break;
                    default:
                        while (reader.TryRead(out var r)) received.Add(Check(r));
                        break;
                }
            }
        });
        reader.Consume(r => received.Add(Check(r)));
        Assert.Equal(expected, received.Select(h => h.Seq));
        Assert.All(received, h => Assert.Equal(0u, h.Cpu));
        Assert.True(straddling >= 10, $"only {straddling} records crossed the ring's end");
        Assert.Equal(0, reader.AvailableBytes);
        Assert.Equal(0UL, program.Failures);
    }

    [KernelFact]
    public void Both_cpus_producing_at_once_lose_nothing_while_the_consumer_keeps_up()
    {
        using var program = new EventsProgram(1 << 20);
        using var reader = program.Ring.AsRingBuffer();
        const int calls = 300, repeat = 20;
        var seen = new[] { new List<RecordHeader>(), new List<RecordHeader>() };
        var producers = new[] { 0, 1 }.Select(cpu => StartPinned(cpu, () =>
        {
            for (int i = 0; i < calls; i++) program.Produce((uint)(16 + (i % 7) * 40), repeat: repeat);
        })).ToArray();
        int total = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (total < 2 * calls * repeat && DateTime.UtcNow < deadline)
            total += reader.Poll(r =>
            {
                var h = Check(r);
                seen[h.Cpu].Add(h);
            }, TimeSpan.FromMilliseconds(200));
        foreach (var p in producers) p.Join();
        Assert.Equal(0UL, program.Failures);
        for (int cpu = 0; cpu < 2; cpu++)
            Assert.Equal(Enumerable.Range(0, calls * repeat).Select(i => (ulong)i), seen[cpu].Select(h => h.Seq));
        Assert.Equal(0, reader.Consume(_ => { }));
    }

    [KernelFact]
    public void A_stalled_consumer_makes_the_reserve_fail_and_the_ring_reads_correctly_afterwards()
    {
        using var program = new EventsProgram(RingSize);
        using var reader = program.Ring.AsRingBuffer();
        var results = new List<uint>();
        RunPinned(0, () =>
        {
            for (int i = 0; i < 40; i++) results.Add(program.Produce(1000));
        });
        // 1000 bytes plus the 8-byte header: 16 records fit in 16 KiB, the 24 after them find the ring full.
        Assert.Equal(Enumerable.Repeat(ResultSubmitted, 16).Concat(Enumerable.Repeat(ResultFull, 24)), results);
        Assert.Equal(24UL, program.Failures);
        var received = new List<RecordHeader>();
        Assert.Equal(16, reader.Consume(r => received.Add(Check(r))));
        RunPinned(0, () =>
        {
            for (int i = 0; i < 20; i++) Assert.Equal(ResultSubmitted, program.Produce(700));
        });
        var collector = new Collector(received, false);
        Assert.Equal(20, reader.Consume(ref collector));
        Assert.Equal(Enumerable.Range(0, 16).Concat(Enumerable.Range(40, 20)).Select(i => (ulong)i), received.Select(h => h.Seq));
    }

    [KernelFact]
    public void Add_reads_several_rings_on_one_reader_and_one_ring_only_once()
    {
        using var program = new EventsProgram(RingSize);
        using var reader = program.Ring.AsRingBuffer();
        reader.Add(program.Ring2);
        Assert.Equal(["rb", "rb2"], reader.Maps.Select(m => m.Name));
        Assert.Contains("already", Assert.Throws<BpfException>(() => reader.Add(program.Ring2)).Message);
        RunPinned(0, () =>
        {
            program.Produce(32);
            program.Produce(48, SecondRing);
            program.Produce(64, SecondRing);
        });
        var sizes = new List<uint>();
        Assert.Equal(3, reader.Poll(r => sizes.Add(Check(r).Size), TimeSpan.FromSeconds(1)));
        Assert.Equal([32u, 48u, 64u], sizes.Order());
    }

    [KernelFact]
    public async Task ReadAllAsync_yields_structs_and_a_record_shorter_than_the_struct_throws_naming_both_sizes()
    {
        using var program = new EventsProgram(RingSize);
        using var reader = program.Ring.AsRingBuffer();
        RunPinned(0, () =>
        {
            for (int i = 0; i < 300; i++) program.Produce((uint)(16 + i % 5 * 8), i % 10 == 9 ? Discard : 0);
        });
        var expected = Enumerable.Range(0, 300).Where(i => i % 10 != 9).Select(i => (ulong)i).ToList();
        var seqs = new List<ulong>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // More than one batch (256) is waiting: the stream drains them without awaiting in between.
        await foreach (var h in reader.ReadAllAsync<RecordHeader>(cts.Token))
        {
            seqs.Add(h.Seq);
            if (seqs.Count == expected.Count) break;
        }
        Assert.Equal(expected, seqs);
        Assert.Equal(0, reader.AvailableBytes);

        RunPinned(1, () => program.Produce(16));
        var error = await Assert.ThrowsAsync<BpfException>(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync<Wide>(cts.Token)) { }
        });
        Assert.Contains("map 'rb'", error.Message);
        Assert.Contains("16 bytes", error.Message);
        Assert.Contains("(32 bytes)", error.Message);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Wide
    {
        public RecordHeader Header;
        public ulong A, B;
    }

    [KernelFact]
    public async Task The_channel_bridge_hands_records_to_another_thread_and_completes_on_dispose()
    {
        using var program = new EventsProgram(1 << 20);
        var reader = program.Ring.AsRingBuffer();
        var channel = reader.ReadToChannel<RecordHeader>(capacity: 64);
        var producer = StartPinned(1, () =>
        {
            for (int i = 0; i < 2000; i++) program.Produce(16);
        });
        var seqs = new List<ulong>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (seqs.Count < 2000) seqs.Add((await channel.ReadAsync(cts.Token)).Seq);
        producer.Join();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (ulong)i), seqs);
        reader.Dispose();
        await channel.Completion.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [KernelFact]
    public void Wrong_map_kinds_name_the_right_reader()
    {
        using var program = new EventsProgram();
        var e = Assert.Throws<BpfException>(() => program.Perf.AsRingBuffer());
        Assert.Contains("map 'events'", e.Message);
        Assert.Contains("AsPerfEventArray()", e.Message);
        e = Assert.Throws<BpfException>(() => program.Ring.AsPerfEventArray());
        Assert.Contains("AsRingBuffer()", e.Message);
        e = Assert.Throws<BpfException>(() => program.Bpf.Maps["stats"].AsRingBuffer());
        Assert.Contains("AsArray<TValue>()", e.Message);
    }
}
