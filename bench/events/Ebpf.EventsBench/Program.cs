// The C# side of bench/events, the same scheme as c/events_bench.c: one producer object (c/events.bpf.c) run with
// BPF_PROG_TEST_RUN on a thread pinned to CPU 1, the consumer on CPU 0; drain (fill, then time the consumer alone),
// stream (both at once) and latency (one record a millisecond, the consumer blocked in epoll). Best of ROUNDS after a
// warm-up round. Mixed drain: records of 64 and 72 bytes in turn (produce_ring_mixed), read as Event64. Usage: Ebpf.EventsBench OBJECT [ROUNDS] [STREAM_RECORDS] [LATENCY_SAMPLES] [PARTS]
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf;
using Ebpf.Native;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Ebpf.EventsBench OBJECT [ROUNDS] [STREAM_RECORDS] [LATENCY_SAMPLES] [PARTS]");
    return 1;
}
int rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
long streamRecords = args.Length > 2 ? long.Parse(args[2]) : 4_000_000;
int samples = args.Length > 3 ? int.Parse(args[3]) : 2000;
string parts = args.Length > 4 ? args[4] : "ring-drain,ring-mixed,ring-stream,perf-drain,perf-stream,latency,async-overhead";
bool Part(string name) => parts.Contains(name, StringComparison.Ordinal);
if (Stopwatch.Frequency != 1_000_000_000) throw new InvalidOperationException("Stopwatch is not CLOCK_MONOTONIC in ns here");

const int RingDrain = 800_000, PerfPages = 4096, PerfDrain = 180_000;
CpuList.SetCurrentThreadAffinity(0);
using var bpf = BpfObject.Load(args[0]);
var bench = new Bench(bpf);

if (Part("ring-drain"))
{
    using var reader = bpf.Maps["ring"].AsRingBuffer();
    bench.Warm(reader);
    var h = new Counter();
    double best = bench.Drain(bench.RingProgram, RingDrain, rounds, () => { h.Count = 0; while (h.Count < RingDrain) reader.Consume(ref h); return h.Count; });
    Console.WriteLine($"ring drain: {RingDrain / best:F0} records/s (Consume<THandler>(ref THandler), {RingDrain} records of 64 bytes, best of {rounds})");
    best = bench.Drain(bench.RingProgram, RingDrain, rounds, () => { long n = 0; ulong sum = 0; while (n < RingDrain) while (reader.TryRead(out var r)) { n++; sum += MemoryMarshal.Read<ulong>(r[8..]); } h.Sum += sum; return n; });
    Console.WriteLine($"ring drain TryRead: {RingDrain / best:F0} records/s");
    long count = 0; ulong total = 0;
    RecordHandler handler = r => { count++; total += MemoryMarshal.Read<ulong>(r[8..]); };
    best = bench.Drain(bench.RingProgram, RingDrain, rounds, () => { count = 0; while (count < RingDrain) reader.Consume(handler); return count; });
    Console.WriteLine($"ring drain delegate: {RingDrain / best:F0} records/s (Consume(RecordHandler))");
    best = bench.Drain(bench.RingProgram, RingDrain, rounds, () => ReadAll(reader, RingDrain).GetAwaiter().GetResult());
    Console.WriteLine($"ring drain ReadAllAsync: {RingDrain / best:F0} records/s (await foreach over ReadAllAsync<Event64>)");
    // Allocations on the consuming thread over a whole drain, span paths only.
    long before = 0, after = 0;
    bench.Drain(bench.RingProgram, RingDrain, 1, () =>
    {
        before = GC.GetAllocatedBytesForCurrentThread();
        h.Count = 0;
        while (h.Count < RingDrain / 2) reader.Consume(ref h);
        long n = h.Count;
        while (n < RingDrain) while (reader.TryRead(out var r)) { n++; h.Sum += r[8]; }
        after = GC.GetAllocatedBytesForCurrentThread();
        return n;
    });
    Console.WriteLine($"ring allocations: {(double)(after - before) / RingDrain:F4} bytes/record ({after - before} bytes over {RingDrain} records, Consume<THandler> then TryRead)");
    if (h.Sum == 42 || total == 42) Console.WriteLine();
}

if (Part("ring-mixed"))
{
    using var reader = bpf.Maps["ring"].AsRingBuffer();
    bench.Warm(reader);
    var h = new Counter();
    double best = bench.Drain(bench.RingMixedProgram, RingDrain, rounds, () => { h.Count = 0; while (h.Count < RingDrain) reader.Consume(ref h); return h.Count; });
    Console.WriteLine($"ring drain mixed Consume: {RingDrain / best:F0} records/s (Consume<THandler>(ref THandler), {RingDrain} records of 64 and 72 bytes in turn, best of {rounds})");
    best = bench.Drain(bench.RingMixedProgram, RingDrain, rounds, () => ReadAll(reader, RingDrain).GetAwaiter().GetResult());
    Console.WriteLine($"ring drain mixed ReadAllAsync: {RingDrain / best:F0} records/s (await foreach over ReadAllAsync<Event64>)");
    if (h.Sum == 42) Console.WriteLine();
}

if (Part("ring-stream"))
{
    using var reader = bpf.Maps["ring"].AsRingBuffer();
    var (rate, dropped) = bench.Stream(bench.RingProgram, streamRecords, rounds, () => { var c = new Counter(); reader.Consume(ref c); return c.Count; });
    Console.WriteLine($"ring stream: {rate:F0} records/s ({streamRecords} produced a round, {dropped} dropped in {rounds} rounds)");
}

if (Part("perf-drain"))
{
    using var reader = bpf.Maps["perf"].AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = PerfPages });
    bench.Warm(reader);
    var h = new Counter();
    double best = bench.Drain(bench.PerfProgram, PerfDrain, rounds, () => { h.Count = 0; while (h.Count < PerfDrain) reader.Consume(ref h); return h.Count; });
    Console.WriteLine($"perf drain: {PerfDrain / best:F0} records/s (Consume<THandler>(ref THandler), {PerfDrain} records of 64 bytes, best of {rounds})");
    best = bench.Drain(bench.PerfProgram, PerfDrain, rounds, () => { long n = 0; while (n < PerfDrain) while (reader.TryRead(out var r)) { n++; h.Sum += MemoryMarshal.Read<ulong>(r[8..]); } return n; });
    Console.WriteLine($"perf drain TryRead: {PerfDrain / best:F0} records/s");
    best = bench.Drain(bench.PerfProgram, PerfDrain, rounds, () => ReadAll(reader, PerfDrain).GetAwaiter().GetResult());
    Console.WriteLine($"perf drain ReadAllAsync: {PerfDrain / best:F0} records/s (await foreach over ReadAllAsync<Event64>)");
    long before = 0, after = 0;
    bench.Drain(bench.PerfProgram, PerfDrain, 1, () =>
    {
        before = GC.GetAllocatedBytesForCurrentThread();
        h.Count = 0;
        while (h.Count < PerfDrain) reader.Consume(ref h);
        after = GC.GetAllocatedBytesForCurrentThread();
        return h.Count;
    });
    Console.WriteLine($"perf allocations: {(double)(after - before) / PerfDrain:F4} bytes/record");
    if (reader.LostRecords != 0) Console.WriteLine($"perf lost: {reader.LostRecords}");
}

if (Part("perf-stream"))
{
    using var reader = bpf.Maps["perf"].AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = PerfPages });
    long perfStream = streamRecords / 20; // the perf producer is slow (a wake-up irq_work per record), as in C
    var (rate, dropped) = bench.Stream(bench.PerfProgram, perfStream, rounds, () => { var c = new Counter(); reader.Consume(ref c); return c.Count; });
    Console.WriteLine($"perf stream: {rate:F0} records/s ({perfStream} produced a round, {dropped} dropped in {rounds} rounds)");
}

if (Part("latency"))
{
    var lat = new long[samples];
    int n = 0;
    RecordHandler onRecord = r => { long t = Stopwatch.GetTimestamp(); lat[n++] = t - (long)MemoryMarshal.Read<ulong>(r); };
    using (var reader = bpf.Maps["ring"].AsRingBuffer())
    {
        var producer = bench.StartPaced(bench.RingProgram, samples);
        while (n < samples) reader.Poll(onRecord, Timeout.InfiniteTimeSpan);
        producer.Join();
        PrintLatency("ring latency", lat, n);

        n = 0;
        producer = bench.StartPaced(bench.RingProgram, samples);
        ReadAllLatency(reader, lat, samples).GetAwaiter().GetResult();
        producer.Join();
        PrintLatency("ring latency ReadAllAsync", lat, samples);
    }
    n = 0;
    using (var reader = bpf.Maps["perf"].AsPerfEventArray(new PerfEventReaderOptions { PagesPerCpu = 8 }))
    {
        var producer = bench.StartPaced(bench.PerfProgram, samples);
        while (n < samples) reader.Poll(onRecord, Timeout.InfiniteTimeSpan);
        producer.Join();
        PrintLatency("perf latency", lat, n);
    }
}
if (Part("async-overhead"))
{
    // What await foreach costs per item with no reader at all: a compiler-generated async iterator (the shape of
    // ReadAllAsync: a batch array, yield return per element) against a hand-written IAsyncEnumerator whose
    // MoveNextAsync returns a completed ValueTask while the batch lasts. 800,000 items, best of the rounds.
    var batch = new Event64[256];
    for (int i = 0; i < batch.Length; i++) batch[i].Seq = (ulong)i;
    double generated = double.MaxValue, handWritten = double.MaxValue;
    for (int r = 0; r <= rounds + 2; r++)
    {
        long t = Stopwatch.GetTimestamp();
        long n = CountAsync(Generated(batch, RingDrain), RingDrain).GetAwaiter().GetResult();
        if (r > 2) generated = Math.Min(generated, Stopwatch.GetElapsedTime(t).TotalNanoseconds / n);
        t = Stopwatch.GetTimestamp();
        n = CountAsync(new BatchStream(batch, RingDrain), RingDrain).GetAwaiter().GetResult();
        if (r > 2) handWritten = Math.Min(handWritten, Stopwatch.GetElapsedTime(t).TotalNanoseconds / n);
        Thread.Sleep(100);
    }
    Console.WriteLine($"async overhead: {generated:F2} ns/item compiler-generated async iterator, {handWritten:F2} ns/item hand-written enumerator (no reader, 64-byte items)");
}
return 0;

static async IAsyncEnumerable<Event64> Generated(Event64[] batch, long total)
{
    for (long done = 0; done < total; done += batch.Length)
    {
        if (done < 0) await Task.Yield(); // never: records are always there, as in the drain (no thread switch)
        for (int i = 0; i < batch.Length; i++) yield return batch[i];
    }
}

static async Task<long> CountAsync(IAsyncEnumerable<Event64> items, long total)
{
    long n = 0;
    ulong sum = 0;
    await foreach (var e in items)
    {
        sum += e.Seq;
        if (++n == total) break;
    }
    return sum == 42 ? n + 1 : n;
}

static async Task<long> ReadAll(BpfEventReader reader, long records)
{
    long n = 0;
    ulong sum = 0;
    await foreach (var e in reader.ReadAllAsync<Event64>())
    {
        sum += e.Seq;
        if (++n == records) break;
    }
    return sum == 42 ? n + 1 : n;
}

static async Task ReadAllLatency(BpfEventReader reader, long[] lat, int samples)
{
    int n = 0;
    await foreach (var e in reader.ReadAllAsync<Event64>())
    {
        lat[n] = Stopwatch.GetTimestamp() - (long)e.Ts;
        if (++n == samples) break;
    }
}

static void PrintLatency(string name, long[] lat, int n)
{
    Array.Sort(lat, 0, n);
    Console.WriteLine($"{name}: {lat[n / 2] / 1e3:F1} us median, {lat[n * 99 / 100] / 1e3:F1} us p99 ({n} samples)");
}

/// <summary>A batch handed out by MoveNextAsync without an async state machine while it lasts (the suggested shape for ReadAllAsync).</summary>
sealed class BatchStream(Event64[] batch, long total) : IAsyncEnumerable<Event64>, IAsyncEnumerator<Event64>
{
    int _index = -1;
    long _done;

    public IAsyncEnumerator<Event64> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

    public Event64 Current => batch[_index];

    public ValueTask<bool> MoveNextAsync()
    {
        if (++_index < batch.Length) return new ValueTask<bool>(true);
        return Refill();
    }

    ValueTask<bool> Refill()
    {
        _done += batch.Length;
        if (_done >= total) return new ValueTask<bool>(false);
        _index = 0;
        return _done < 0 ? YieldThenTrue() : new ValueTask<bool>(true);
    }

    static async ValueTask<bool> YieldThenTrue()
    {
        await Task.Yield();
        return true;
    }

    public ValueTask DisposeAsync() => default;
}

/// <summary>The 64-byte record of events.bpf.c.</summary>
[StructLayout(LayoutKind.Sequential)]
struct Event64
{
    public ulong Ts, Seq, P0, P1, P2, P3, P4, P5;
}

/// <summary>Counts records and sums their sequence numbers, as the C callbacks do.</summary>
struct Counter : IRecordHandler
{
    public long Count;
    public ulong Sum;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnRecord(ReadOnlySpan<byte> record)
    {
        Count++;
        Sum += MemoryMarshal.Read<ulong>(record[8..]);
    }
}

[StructLayout(LayoutKind.Sequential)]
struct Stats
{
    public ulong Sent, Dropped;
}

sealed class Bench(BpfObject bpf)
{
    const int Batch = 64;
    public BpfProgram RingProgram { get; } = bpf.Programs["produce_ring"];
    public BpfProgram RingMixedProgram { get; } = bpf.Programs["produce_ring_mixed"];
    public BpfProgram PerfProgram { get; } = bpf.Programs["produce_perf"];
    readonly BpfArray<Stats> _stats = bpf.Maps["stats"].AsArray<Stats>();

    public Stats ReadStats() => _stats[0];
    public void ResetStats() => _stats[0] = default;

    static byte[] Packet(uint count)
    {
        var packet = new byte[64];
        BitConverter.TryWriteBytes(packet.AsSpan(14), count);
        return packet;
    }

    static void Run(BpfProgram program, byte[] packet, int repeat)
    {
        var r = program.TestRun(packet, repeat);
        if (r.ReturnValue != 2) throw new InvalidOperationException($"producer returned {r.ReturnValue}");
    }

    /// <summary>The producer thread, pinned to CPU 1: records in runs of 64, perCall runs per syscall.</summary>
    public Thread Start(BpfProgram program, long records, int perCall, StrongBox<bool> done)
    {
        var t = new Thread(() =>
        {
            CpuList.SetCurrentThreadAffinity(1);
            var full = Packet(Batch);
            for (long left = records; left > 0;)
            {
                long runs = Math.Min(left / Batch, perCall);
                if (runs == 0) { Run(program, Packet((uint)left), 1); break; }
                Run(program, full, (int)runs);
                left -= runs * Batch;
            }
            Volatile.Write(ref done.Value, true);
        });
        t.Start();
        return t;
    }

    /// <summary>One record a millisecond (nanosleep as in C: Thread.Sleep(1)), pinned to CPU 1.</summary>
    public Thread StartPaced(BpfProgram program, int records)
    {
        var t = new Thread(() =>
        {
            CpuList.SetCurrentThreadAffinity(1);
            var one = Packet(1);
            for (int i = 0; i < records; i++)
            {
                Run(program, one, 1);
                Thread.Sleep(1);
            }
        });
        t.Start();
        return t;
    }

    /// <summary>Fills the ring (producer alone), then times consume(); best seconds of the rounds after a warm-up round.</summary>
    public double Drain(BpfProgram program, long records, int rounds, Func<long> consume)
    {
        double best = double.MaxValue;
        for (int r = 0; r <= rounds; r++)
        {
            ResetStats();
            Start(program, records, 1000, new StrongBox<bool>()).Join();
            var s = ReadStats();
            if (s.Dropped != 0) throw new InvalidOperationException($"drain: {s.Dropped} dropped");
            long t = Stopwatch.GetTimestamp();
            long n = consume();
            double secs = Stopwatch.GetElapsedTime(t).TotalSeconds;
            if (n != records) throw new InvalidOperationException($"drain read {n} of {records}");
            if (r > 0 || rounds == 1) best = Math.Min(best, secs);
        }
        return best;
    }

    /// <summary>Producer and consumer at once; the best rate of the rounds after a warm-up round, and the drops.</summary>
    public (double Rate, ulong Dropped) Stream(BpfProgram program, long records, int rounds, Func<long> consumeOnce)
    {
        double bestRate = 0;
        ulong dropped = 0;
        for (int r = 0; r <= rounds; r++)
        {
            ResetStats();
            long count = 0;
            var done = new StrongBox<bool>();
            long t = Stopwatch.GetTimestamp();
            var producer = Start(program, records, 256, done);
            while (true)
            {
                bool finished = Volatile.Read(ref done.Value);
                count += consumeOnce();
                if (finished)
                {
                    var s = ReadStats();
                    count += consumeOnce();
                    if ((ulong)count >= s.Sent) { if (r > 0) dropped += s.Dropped; break; }
                }
            }
            double secs = Stopwatch.GetElapsedTime(t).TotalSeconds;
            producer.Join();
            if (r > 0) bestRate = Math.Max(bestRate, count / secs);
        }
        return (bestRate, dropped);
    }

    /// <summary>Calls the consuming paths on the empty ring until the JIT has compiled them at tier 1.</summary>
    public void Warm(BpfEventReader reader)
    {
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                var c = new Counter();
                if (reader is RingBufferReader ring) ring.Consume(ref c); else ((PerfEventReader)reader).Consume(ref c);
                reader.Consume(_ => { });
                reader.TryRead(out _);
            }
            Thread.Sleep(200);
        }
    }
}
