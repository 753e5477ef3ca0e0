namespace Ebpf.CompilerBench;

/// <summary>The tables and the summary. Ratios are C# over C: below 1 means the C# program is smaller or faster.</summary>
public static class Report
{
    private const double InstructionGoal = 1.25, RunTimeGoal = 1.10;

    public static void Print(List<Result> results, int mismatches)
    {
        Console.WriteLine();
        Console.WriteLine("size               insns C#/C            xlated C#/C           jited bytes C#/C        verified C#/C");
        foreach (var r in results)
        {
            var (c, cs) = (r.C!, r.CSharp);
            Console.WriteLine($"{r.Case.Name,-14} {Cell(cs?.Instructions, c.Instructions),-21} {Cell(cs?.Xlated, c.Xlated),-21} " +
                              $"{Cell(cs?.Jited, c.Jited),-23} {Cell(cs?.Verified, c.Verified)}");
        }

        Console.WriteLine();
        Console.WriteLine("run time ns/packet        kernel: C     C#   C#/C      fine: C      C#   C#/C   net C#/C");
        foreach (var r in results)
            foreach (var t in r.Times)
                Console.WriteLine($"{r.Case.Name,-12} {t.Packet,-12} {t.C,8:F0} {Num(t.CSharp, "F0"),6} {Num(t.Ratio, "F2"),6}  " +
                                  $"{t.CFine,11:F2} {Num(t.CSharpFine, "F2"),7} {Num(t.FineRatio, "F2"),6} {Num(t.Net, "F2"),10}" +
                                  (t.Yielded > 0.5 ? $"  ~ {t.Yielded:P0} yielded" : ""));
        var all = results.SelectMany(r => r.Times).ToList();
        if (all.Count > 0)
        {
            Console.WriteLine($"(fine: the kernel's figure to a fraction of a ns; empty program: {all.Average(t => t.EmptyFine):F2} ns/packet, the test-run " +
                              "loop's own cost; net: C# over C with that taken off both)");
            if (all.Any(t => t.Yielded > 0.5))
                Console.WriteLine("(~ most calls yielded the CPU to other tasks: their fine figure is the kernel's whole ns + 0.5)");
        }

        Console.WriteLine();
        foreach (var r in results.Where(r => r.Failure is not null))
            Console.WriteLine($"{r.Case.Name}: {r.Failure}");

        var loaded = results.Where(r => r.Failure is null).ToList();
        var sizeRatios = results.Where(r => r.CSharp is not null).Select(r => (double)r.CSharp!.Instructions / r.C!.Instructions).ToList();
        var timeRatios = loaded.SelectMany(r => r.Times).Select(t => t.Ratio!.Value).ToList();
        var netRatios = loaded.SelectMany(r => r.Times).Select(t => t.Net!.Value).ToList();
        string Worst(List<double> ratios, double goal) =>
            ratios.Count == 0 ? "n/a" : $"{ratios.Max():F2} (goal <= {goal:F2}: {(Math.Round(ratios.Max(), 2) <= goal ? "met" : "NOT met")})";
        Console.WriteLine($"summary: {loaded.Count} of {results.Count} C# programs compiled and loaded; worst insns C#/C {Worst(sizeRatios, InstructionGoal)}; " +
                          $"worst run time C#/C {Worst(timeRatios, RunTimeGoal)} (net {(netRatios.Count == 0 ? "n/a" : netRatios.Max().ToString("F2"))}); {(mismatches == 0 ? "no mismatch" : $"{mismatches} MISMATCH(ES)")}");
    }

    private static string Cell(int? cs, int? c) =>
        c is null ? "-" : cs is null ? $"-/{c}" : $"{cs}/{c} = {(double)cs / c.Value:F2}";

    private static string Num(double? v, string format) => v is null ? "-" : v.Value.ToString(format);
}
