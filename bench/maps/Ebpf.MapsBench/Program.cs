// The C# side of bench/maps, the same loops as c/map_bench.c: a Stopwatch around >= 1M syscalls per round,
// best of the rounds after a warm-up (BenchmarkDotNet adds nothing for loops this syscall-bound).
// Usage: Ebpf.MapsBench OBJECT [OPS] [ROUNDS] [LOADS]
using System.Diagnostics;
using Ebpf;
using Ebpf.Object;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Ebpf.MapsBench OBJECT [OPS] [ROUNDS] [LOADS]");
    return 1;
}
string objectPath = args[0];
long ops = args.Length > 1 ? long.Parse(args[1]) : 1_000_000;
int rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
int loads = args.Length > 3 ? int.Parse(args[3]) : 50;
const int Entries = 65536;
const int Batches = 20;

using var map = BpfHashMap<uint, ulong>.Create(Entries, name: "bench");
for (uint k = 0; k < Entries; k++) map[k] = k;

var keys = new uint[Entries];
var values = new ulong[Entries];
double bestUpdate = double.MaxValue, bestLookup = double.MaxValue, bestBatch = double.MaxValue;
// Round 0 warms up the JIT (tier 1 with PGO) and is not counted.
for (int r = 0; r <= rounds; r++)
{
    var sw = Stopwatch.StartNew();
    for (long i = 0; i < ops; i++)
        map.Update((uint)i & (Entries - 1), (ulong)i);
    double t = sw.Elapsed.TotalSeconds;
    if (r > 0) bestUpdate = Math.Min(bestUpdate, t);

    ulong sum = 0;
    sw.Restart();
    for (long i = 0; i < ops; i++)
    {
        if (!map.TryGetValue((uint)i & (Entries - 1), out var v)) throw new InvalidOperationException("lookup");
        sum += v;
    }
    t = sw.Elapsed.TotalSeconds;
    if (r > 0) bestLookup = Math.Min(bestLookup, t);
    if (sum == 42) Console.WriteLine();

    sw.Restart();
    for (int b = 0; b < Batches; b++)
    {
        var cursor = default(BpfBatchCursor);
        int total = 0;
        while (!cursor.Done)
            total += map.LookupBatch(keys.AsSpan(total), values.AsSpan(total), ref cursor);
        if (total != Entries) throw new InvalidOperationException($"batch read {total} of {Entries}");
    }
    t = sw.Elapsed.TotalSeconds / Batches;
    if (r > 0) bestBatch = Math.Min(bestBatch, t);
}
Console.WriteLine($"update: {ops / bestUpdate:F0} ops/s");
Console.WriteLine($"lookup: {ops / bestLookup:F0} ops/s");
Console.WriteLine($"batch lookup: {Entries / bestBatch:F0} entries/s ({bestBatch * 1e3:F3} ms per 65536-entry map)");

// Loading: Load(spec) is what bpf_object__load does (BTF, maps, relocation, programs); Load(path) adds reading
// the ELF, as bpf_object__open does. Mean over the loads, after warm-up loads that are not counted.
var spec = BpfObjectFile.Read(objectPath);
// Warm-up as long as a service's first minutes: enough calls for tiered JIT to promote the loader to tier 1
// (30 calls, then a 100 ms back-off before the background compile), then a pause for that compile to land.
for (int i = 0; i < 60; i++) { BpfObject.Load(spec).Dispose(); BpfObject.Load(objectPath).Dispose(); }
Thread.Sleep(500);
for (int i = 0; i < 10; i++) BpfObject.Load(objectPath).Dispose();
double load = 0, openLoad = 0;
for (int i = 0; i < loads; i++)
{
    var sw = Stopwatch.StartNew();
    using (BpfObject.Load(spec)) load += sw.Elapsed.TotalSeconds;
    sw.Restart();
    using (BpfObject.Load(objectPath)) openLoad += sw.Elapsed.TotalSeconds;
}
Console.WriteLine($"load: {load / loads * 1e3:F3} ms (BpfObject.Load(BpfObjectFile))");
Console.WriteLine($"open+load: {openLoad / loads * 1e3:F3} ms (BpfObject.Load(path))");
return 0;
