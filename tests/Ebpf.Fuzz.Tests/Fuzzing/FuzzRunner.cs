using System.Diagnostics;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>One input that broke the rule: its origin, how it was made, and what happened.</summary>
public sealed record FuzzFailure(string Seed, TargetKind Kind, long Index, string Mutation, string What, byte[] Input)
{
    public override string ToString() => $"{Kind} mutant {Index} of {Seed} ({Mutation}): {What}";
}

/// <summary>Counts and failures of a run.</summary>
public sealed class FuzzReport
{
    public long Mutants;
    public long Accepted;   // read without error
    public long Rejected;   // a BpfException
    public TimeSpan Elapsed;
    public TimeSpan Slowest;
    public string SlowestInput = "";
    public readonly Dictionary<TargetKind, long> ByTarget = [];
    public readonly List<FuzzFailure> Failures = [];

    public override string ToString() =>
        $"{Mutants} mutants ({string.Join(", ", ByTarget.Select(kv => $"{kv.Key} {kv.Value}"))}) in {Elapsed.TotalSeconds:F1} s: " +
        $"{Accepted} read, {Rejected} refused with a BpfException, {Failures.Count} failures; slowest {Slowest.TotalMilliseconds:F0} ms ({SlowestInput})";
}

/// <summary>
/// Feeds inputs to <see cref="Targets"/> on a worker thread and judges each: a result, or a <see cref="BpfException"/>
/// whose causes are all the library's own (the object reader's last-resort wrap of a stray .NET exception counts as a
/// failure: a reader missed a check). Any other exception is a failure; an input still running after the hang limit
/// stops the run (the worker cannot be aborted) and is reported. Distinct failures (by exception type and the
/// throwing frame) are kept with their input, and written to <see cref="FailureDirectory"/> when one is set.
/// Before each input the bytes go to <see cref="CurrentInputPath"/> when one is set, so a crash of the process
/// (a stack overflow cannot be caught) leaves the input that caused it.
/// </summary>
public sealed class FuzzRunner
{
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(2);
    public string? FailureDirectory { get; init; }
    public string? CurrentInputPath { get; init; }

    private readonly HashSet<string> _signatures = [];

    /// <summary>Runs <paramref name="count"/> mutants of <paramref name="seeds"/>, mutant i made by Random(seed, i).</summary>
    public FuzzReport RunMutants(IReadOnlyList<Seed> seeds, int seed, long count, TimeSpan? budget = null)
    {
        var byKind = seeds.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.ToArray());
        // Every seed once, unchanged and untimed: the readers' code is compiled before the hang limit applies.
        foreach (var s in seeds)
            Targets.Run(s.Kind, s.Bytes, s.ExtBtf);
        IEnumerable<(string, TargetKind, long, string, byte[], BtfSpec?)> Inputs()
        {
            for (long i = 0; i < count; i++)
            {
                var rng = new Random(unchecked((int)(seed * 1_000_003L + i * 7_919L)));  // not HashCode: that is randomized per process
                // Whole objects get most mutants; raw BTF and .BTF.ext (which the object reader also reaches) and executables the rest.
                var kind = rng.Next(20) switch { < 11 => TargetKind.Elf, < 15 => TargetKind.Btf, < 18 => TargetKind.BtfExt, _ => TargetKind.Binary };
                var pool = byKind.GetValueOrDefault(kind) ?? byKind[TargetKind.Elf];
                var s = pool[rng.Next(pool.Length)];
                var mutant = Mutator.Mutate(s.Bytes, s.Map, rng, out var how);
                yield return (s.Name, s.Kind, i, how, mutant, s.ExtBtf);
            }
        }
        return Run(Inputs(), budget);
    }

    /// <summary>Runs fixed inputs (a saved corpus).</summary>
    public FuzzReport RunInputs(IEnumerable<(string Name, TargetKind Kind, byte[] Input, BtfSpec? ExtBtf)> inputs) =>
        Run(inputs.Select((x, i) => (x.Name, x.Kind, (long)i, "as saved", x.Input, x.ExtBtf)), null);

    private FuzzReport Run(IEnumerable<(string Seed, TargetKind Kind, long Index, string Mutation, byte[] Input, BtfSpec? ExtBtf)> inputs, TimeSpan? budget)
    {
        var report = new FuzzReport();
        var total = Stopwatch.StartNew();
        long startedAt = 0;                 // Stopwatch ticks when the current input started; 0 between inputs
        (string Seed, TargetKind Kind, long Index, string Mutation, byte[] Input, BtfSpec? ExtBtf) current = default;
        Exception? workerError = null;
        var worker = new Thread(() =>
        {
            try
            {
                foreach (var item in inputs)
                {
                    if (budget is { } b && total.Elapsed > b) break;
                    lock (report) current = item;
                    if (CurrentInputPath is { } path) File.WriteAllBytes(path, item.Input);
                    var started = Stopwatch.GetTimestamp();
                    Volatile.Write(ref startedAt, started);
                    var failure = Judge(item.Kind, item.Input, item.ExtBtf, out var outcome);
                    Volatile.Write(ref startedAt, 0);
                    var took = Stopwatch.GetElapsedTime(started);
                    lock (report)
                    {
                        report.Mutants++;
                        report.ByTarget[item.Kind] = report.ByTarget.GetValueOrDefault(item.Kind) + 1;
                        if (outcome) report.Accepted++;
                        else if (failure is null) report.Rejected++;
                        if (took > report.Slowest) (report.Slowest, report.SlowestInput) = (took, $"{item.Kind} mutant {item.Index} of {item.Seed}: {item.Mutation}");
                        if (failure is { } f && _signatures.Add(f.Signature))
                            Keep(report, new FuzzFailure(item.Seed, item.Kind, item.Index, item.Mutation, f.What, item.Input));
                    }
                }
            }
            catch (Exception e) { workerError = e; } // a bug of the harness itself, not of a reader
        }, 16 * 1024 * 1024) { IsBackground = true, Name = "fuzz worker" };
        worker.Start();
        while (!worker.Join(50))
        {
            long s = Volatile.Read(ref startedAt);
            if (s != 0 && Stopwatch.GetElapsedTime(s) > HangLimit)
            {
                lock (report)
                    Keep(report, new FuzzFailure(current.Seed!, current.Kind, current.Index, current.Mutation!, $"still running after {HangLimit.TotalSeconds} s (a hang)", current.Input!));
                break; // the worker stays stuck in the background; the run ends here
            }
        }
        if (workerError is not null) throw new InvalidOperationException("the fuzz harness failed", workerError);
        report.Elapsed = total.Elapsed;
        return report;
    }

    private void Keep(FuzzReport report, FuzzFailure failure)
    {
        report.Failures.Add(failure);
        if (FailureDirectory is not { } dir) return;
        Directory.CreateDirectory(dir);
        var name = $"{failure.Kind.ToString().ToLowerInvariant()}-{report.Failures.Count:D3}";
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), failure.Input);
        File.WriteAllText(Path.Combine(dir, name + ".txt"), failure + Environment.NewLine);
    }

    /// <summary>Null when the input was read or refused properly; otherwise what went wrong and a signature for de-duplication.</summary>
    private static (string What, string Signature)? Judge(TargetKind kind, byte[] input, BtfSpec? extBtf, out bool accepted)
    {
        accepted = false;
        try
        {
            Targets.Run(kind, input, extBtf);
            accepted = true;
            return null;
        }
        catch (BpfException e) when (StrayCause(e) is null)
        {
            return null;
        }
        catch (Exception e)
        {
            var stray = e is BpfException ? StrayCause(e)! : e;
            var frame = new StackTrace(stray).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Ebpf") == true)?.GetMethod();
            string where = frame is null ? "?" : $"{frame.DeclaringType?.Name}.{frame.Name}";
            string what = e == stray ? $"{e.GetType().Name} at {where}: {e.Message}" : $"{e.GetType().Name} wrapping {stray.GetType().Name} at {where}: {stray.Message}";
            return (what + Environment.NewLine + stray.StackTrace, $"{stray.GetType().Name}@{where}");
        }
    }

    /// <summary>The first non-library exception among the causes of a BpfException (an I/O error is a legitimate cause).</summary>
    private static Exception? StrayCause(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is not (BpfException or IOException or UnauthorizedAccessException))
                return inner;
        return null;
    }
}
