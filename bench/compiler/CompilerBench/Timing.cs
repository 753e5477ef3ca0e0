using System.Diagnostics;
using Ebpf;
using NativeBpf = Ebpf.Native.Bpf;

namespace CompilerBench;

/// <summary>
/// Run time per packet of one program pair on one packet, in ns: medians over the rounds. Ratios are medians of the
/// per-round ratios: the three runs of a round are adjacent in time, so load from other processes (this is a shared
/// 2-CPU machine) mostly cancels out of a round's ratio while it would skew medians taken side by side.
/// </summary>
/// <param name="C">The kernel's per-run average (BPF_PROG_TEST_RUN duration, whole ns) for the C program.</param>
/// <param name="Empty">The same for a program that only returns: the test-run loop's own cost.</param>
/// <param name="CWall">The syscall timed from user space, divided by the repeats: the kernel's figure without its rounding
/// down to whole ns (the syscall's own microseconds vanish in the repeats); from the rounds where no run yielded the CPU.</param>
/// <param name="Busy">Too few rounds ran without yielding the CPU: the wall columns hold the kernel's figures.</param>
/// <param name="Net">C# over C with the empty program's time taken off both (wall times): the programs' own cost.</param>
public sealed record Times(string Packet, double C, double? CSharp, double Empty, double CWall, double? CSharpWall, double EmptyWall,
    double? Ratio, double? WallRatio, double? Net, bool Busy);

public static class Timing
{
    /// <summary>
    /// Rounds of TestRun(repeat) on C, C# and the empty program, their order rotated each round so that none always runs
    /// first; one untimed call each before. BpfProgram.TestRun's Duration is a TimeSpan (100 ns ticks), too coarse for
    /// programs of a few ns, so this asks the native layer for the kernel's nanoseconds.
    /// </summary>
    public static Times Measure(Packet packet, BpfProgram c, BpfProgram? cs, BpfProgram empty, int repeat, int rounds)
    {
        var frame = packet.Frame();
        var programs = cs is null ? new[] { c, empty } : [c, cs, empty];
        var kernel = programs.Select(_ => new double[rounds]).ToArray();
        var wall = programs.Select(_ => new double[rounds]).ToArray();
        // Warm-up, untimed: the first calls also pay for .NET's JIT of this path, on this 2-CPU machine.
        for (int w = 0; w < 3; w++)
            foreach (var p in programs) Run(p, frame, Math.Max(1, repeat / 10));
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < programs.Length; k++)
            {
                int i = (r + k) % programs.Length;
                (kernel[i][r], wall[i][r]) = Run(programs[i], frame, repeat);
            }
        int e = programs.Length - 1;
        // Wall times only from rounds in which no run yielded the CPU: the kernel stops its clock while the test run lets
        // another task run (cond_resched), the wall clock does not. Such a run shows as wall >= kernel + 1 ns.
        // (Plus 5 us per call for the syscall itself, which matters only with few repeats.)
        double slack = 1 + 5000.0 / repeat;
        var calm = Enumerable.Range(0, rounds).Where(r => programs.Select((_, i) => wall[i][r] - kernel[i][r]).All(d => d < slack)).ToArray();
        // Too few such rounds (a busy machine): the kernel's whole-ns figures stand in, and the report marks it.
        bool busy = calm.Length < Math.Max(5, rounds / 5);
        if (busy)
        {
            calm = Enumerable.Range(0, rounds).ToArray();
            wall = kernel;
        }
        double WallMedian(int i) => Median(calm.Select(r => wall[i][r]));
        if (cs is null)
            return new Times(packet.Name, Median(kernel[0]), null, Median(kernel[e]), WallMedian(0), null, WallMedian(e), null, null, null, busy);
        return new Times(packet.Name, Median(kernel[0]), Median(kernel[1]), Median(kernel[e]), WallMedian(0), WallMedian(1), WallMedian(e),
            Median(Enumerable.Range(0, rounds).Select(r => kernel[1][r] / kernel[0][r])),
            Median(calm.Select(r => wall[1][r] / wall[0][r])),
            Median(calm.Select(r => (wall[1][r] - wall[e][r]) / Math.Max(wall[0][r] - wall[e][r], 0.01))), busy);
    }

    private static (double Kernel, double Wall) Run(BpfProgram program, byte[] frame, int repeat)
    {
        long start = Stopwatch.GetTimestamp();
        var result = NativeBpf.ProgTestRun(program.Fd, frame, default, (uint)repeat);
        double wall = Stopwatch.GetElapsedTime(start).TotalNanoseconds / repeat;
        return (result.DurationNs, wall);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
