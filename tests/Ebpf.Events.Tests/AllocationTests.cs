using System.Diagnostics;
using Xunit.Abstractions;
using static Ebpf.Events.Tests.EventsProgram;

namespace Ebpf.Events.Tests;

public class AllocationTests(ITestOutputHelper output)
{
    private struct Counter : IRecordHandler
    {
        public long Records, Bytes;

        public void OnRecord(ReadOnlySpan<byte> record)
        {
            Records++;
            Bytes += record[^1];
        }
    }

    [KernelFact]
    public void Consuming_allocates_nothing_per_record()
    {
        using var program = new EventsProgram(1 << 24);
        using var reader = program.Ring.AsRingBuffer();
        const int records = 200_000;
        RunPinned(0, () => Assert.Equal(ResultSubmitted, program.Produce(16, repeat: records)));

        var counter = new Counter();
        reader.Consume(ref counter); // JIT and first-use work out of the measurement
        Assert.Equal(records, counter.Records);

        RunPinned(0, () => program.Produce(16, repeat: records));
        counter = new Counter();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        int n = reader.Consume(ref counter);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(records, n);
        output.WriteLine($"struct handler: {records / elapsed.TotalSeconds / 1e6:F1} M records/s");

        long seen = 0;
        RecordHandler handler = r => seen += r.Length;
        // The delegate and TryRead paths once on a few records first: their first calls load types and compile code.
        RunPinned(0, () => program.Produce(16, repeat: 10));
        reader.Consume(handler);
        RunPinned(0, () => program.Produce(16, repeat: 10));
        while (reader.TryRead(out _)) { }
        RunPinned(0, () => program.Produce(16, repeat: records));
        before = GC.GetAllocatedBytesForCurrentThread();
        n = reader.Consume(handler);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before; // read before Assert, which allocates
        Assert.Equal(0, allocated);
        Assert.Equal(records, n);

        RunPinned(0, () => program.Produce(16, repeat: records));
        before = GC.GetAllocatedBytesForCurrentThread();
        int read = 0;
        while (reader.TryRead(out var record)) read += record.Length > 0 ? 1 : 0;
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(records, read);
    }

    [KernelFact]
    public async Task ReadAllAsync_yields_records_already_there_without_awaiting_each()
    {
        using var program = new EventsProgram(1 << 24);
        using var reader = program.Ring.AsRingBuffer();
        const int records = 200_000;
        for (int pass = 0; pass < 2; pass++) // the first pass compiles the code, the second is timed
        {
            RunPinned(0, () => program.Produce(16, repeat: records));
            long start = Stopwatch.GetTimestamp();
            long sum = 0;
            int n = 0;
            await foreach (var h in reader.ReadAllAsync<RecordHeader>())
            {
                sum += (long)h.Seq;
                if (++n == records) break;
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            long first = (long)pass * records;
            Assert.Equal(records * first + (long)records * (records - 1) / 2, sum);
            if (pass == 1) output.WriteLine($"ReadAllAsync: {records / elapsed.TotalSeconds / 1e6:F1} M records/s");
        }
    }
}
