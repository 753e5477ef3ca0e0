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
//   load:             Load(spec) of one spec read once. The loader prepares a BpfObjectFile once (linking, relocation
//                     templates, func/line info, fixed-up BTF) and every later load of it reuses that; libbpf cannot
//                     load one bpf_object twice, so this is the repeated-load case, not libbpf's exact one.
//   load fresh spec:  Load(spec) of a spec just read (untimed), as bpf_object__load of an object just opened: the
//                     one-time preparation is in the timing.
//   open+load:        Load(path): read, prepare and load, every time.
var spec = BpfObjectFile.Read(objectPath);
// Warm-up until the JIT is done with the loader: tiered compilation promotes methods after 30 calls and a 100 ms
// back-off, compiles in the background, and each promotion can expose more methods; timing while that runs would
// count the JIT's CPU on this 2-CPU box. So: rounds of loads, each followed by a pause, until a round compiles no new
// method (JitInfo counts every method compiled, tier 0 and tier 1), at least 6 rounds and at most 60 (then it says so).
// The C side warms up with one load; it has no JIT. Nothing here turns tiering off: the numbers are steady state.
int warmRounds = 0;
long compiled = -1;
while (warmRounds < 60)
{
    for (int i = 0; i < 30; i++) { BpfObject.Load(spec).Dispose(); BpfObject.Load(objectPath).Dispose(); BpfObject.Load(BpfObjectFile.Read(objectPath)).Dispose(); }
    Thread.Sleep(300);
    warmRounds++;
    long now = System.Runtime.JitInfo.GetCompiledMethodCount();
    if (warmRounds >= 6 && now == compiled) break;
    compiled = now;
}
Console.WriteLine($"load warm-up: {warmRounds} rounds of 30 x 3 loads{(warmRounds == 60 ? ", the JIT was still compiling" : ", until a round compiled nothing new")}");
double load = 0, openLoad = 0, freshLoad = 0;
for (int i = 0; i < loads; i++)
{
    var sw = Stopwatch.StartNew();
    using (BpfObject.Load(spec)) load += sw.Elapsed.TotalSeconds;
    sw.Restart();
    using (BpfObject.Load(objectPath)) openLoad += sw.Elapsed.TotalSeconds;
    var fresh = BpfObjectFile.Read(objectPath);
    sw.Restart();
    using (BpfObject.Load(fresh)) freshLoad += sw.Elapsed.TotalSeconds;
}
Console.WriteLine($"load: {load / loads * 1e3:F3} ms (BpfObject.Load(BpfObjectFile), the same spec again)");
Console.WriteLine($"load fresh spec: {freshLoad / loads * 1e3:F3} ms (BpfObject.Load(BpfObjectFile) of a spec just read)");
Console.WriteLine($"open+load: {openLoad / loads * 1e3:F3} ms (BpfObject.Load(path))");
return 0;
