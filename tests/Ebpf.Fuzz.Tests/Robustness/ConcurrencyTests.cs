using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Compiler.CodeGen;
using Xunit.Abstractions;

namespace Ebpf.Fuzz.Tests.Robustness;

/// <summary>
/// Maps read and written from many threads while programs update them, and objects loaded and disposed from several
/// threads at once: no torn value, no lost update, no leaked descriptor, and everything within a deadline (a deadlock
/// fails the test instead of hanging it).
/// </summary>
[Collection(KernelResources.Name)]
public class ConcurrencyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly Lazy<byte[]> Stamper = new(() => ProgramCompiler.Compile(typeof(StampPrograms)));

    [KernelFact]
    public void Maps_stay_whole_while_programs_and_threads_update_them()
    {
        using var bpf = BpfObject.Load(Stamper.Value);
        var runs = bpf.Maps[nameof(StampPrograms.Runs)].AsArray<ulong>();
        var stamps = bpf.Maps[nameof(StampPrograms.Stamps)].AsHashMap<uint, Stamp>();
        var program = bpf.Programs[nameof(StampPrograms.Stamper)];
        const int runners = 3, batches = 100, repeat = 50, writers = 2, readers = 3;
        var stop = new CancellationTokenSource();
        // Every thread starts before the first run: dedicated threads, released together, so none waits for the pool.
        using var start = new Barrier(runners + writers + readers);
        Task Thread(Action body) => Task.Factory.StartNew(() => { start.SignalAndWait(); body(); }, TaskCreationOptions.LongRunning);
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long reads = 0, writes = 0;

        // Programs: each runner's packets carry its own numbers, so every stamp in the map has a known writer.
        var tasks = Enumerable.Range(0, runners).Select(r => Thread(() =>
        {
            var packet = new byte[64];
            for (int b = 0; b < batches; b++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(packet, (ulong)(r + 1) << 32 | (uint)b);
                BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), (uint)(b + r));
                if (program.TestRun(packet, repeat).ReturnValue != 2) problems.Enqueue("XDP_PASS expected");
            }
        })).ToList();
        // User space writes whole stamps under the same keys, and deletes some.
        var others = Enumerable.Range(0, writers).Select(w => Thread(() =>
        {
            for (ulong n = 1; !stop.IsCancellationRequested; n++)
            {
                uint key = (uint)(n % StampPrograms.Keys);
                if (n % 5 == 0) stamps.Remove(key);
                else stamps.Update(key, Stamp.Of(ulong.MaxValue - n * writers - (ulong)w));
                Interlocked.Increment(ref writes);
            }
        })).Concat(Enumerable.Range(0, readers).Select(_ => Thread(() =>
        {
            ulong lastRuns = 0;
            while (!stop.IsCancellationRequested)
            {
                for (uint key = 0; key < StampPrograms.Keys; key++)
                    if (stamps.TryGetValue(key, out var s) && !s.IsWhole)
                        problems.Enqueue($"torn value under key {key}: {s.A:x} {s.B:x} {s.C:x} {s.D:x}");
                foreach (var (key, s) in stamps)
                    if (!s.IsWhole) problems.Enqueue($"torn value under key {key} while iterating");
                ulong now = runs[0];
                if (now < lastRuns) problems.Enqueue($"the run counter went back from {lastRuns} to {now}");
                lastRuns = now;
                Interlocked.Increment(ref reads);
            }
        }))).ToList();

        bool finished = Task.WaitAll([.. tasks], Deadline);
        stop.Cancel();
        bool stopped = Task.WaitAll([.. others], Deadline);
        output.WriteLine($"{runners * batches * repeat} program runs, {writes} user-space writes, {reads} reader rounds");
        Assert.True(finished && stopped, "threads still running after the deadline (a deadlock?)");
        Assert.Empty(problems.Take(10));
        Assert.True(reads > readers && writes > writers, "readers and writers did not run alongside the programs");
        Assert.Equal((ulong)(runners * batches * repeat), runs[0]); // every run's atomic add counted once
    }

    [KernelFact]
    public void Objects_load_run_and_dispose_on_several_threads_at_once_without_leaks()
    {
        var elf = Stamper.Value;
        using (var warm = BpfObject.Load(elf)) warm.Programs[nameof(StampPrograms.Stamper)].TestRun(new byte[64]);
        var before = KernelResources.Snapshot.Take();
        const int threads = 4, cycles = 40;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var packet = new byte[64];
            for (int i = 0; i < cycles; i++)
            {
                using var bpf = BpfObject.Load(elf);
                var program = bpf.Programs[nameof(StampPrograms.Stamper)];
                BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), (uint)t);
                program.TestRun(packet, repeat: 10);
                Assert.Equal(10ul, bpf.Maps[nameof(StampPrograms.Runs)].AsArray<ulong>()[0]); // each object has its own maps
                if (i % 2 == 0) program.Dispose(); // disposing early, then again with the object, is allowed
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(tasks, Deadline), "loads still running after the deadline (a deadlock?)");
        var after = KernelResources.Snapshot.Take();
        output.WriteLine($"{threads * cycles} loads on {threads} threads in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("", before.Difference(after));
    }
}
