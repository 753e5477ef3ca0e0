using System.Diagnostics;
using Ebpf;
using Ebpf.Native;

namespace Ebpf.CompilerBench;

/// <summary>
/// Run time per packet of one program pair on one packet, in ns: medians over the rounds. Ratios are medians of the
/// per-round ratios: the runs of a round are adjacent in time, so load from other processes (this is a shared 2-CPU
/// machine) mostly cancels out of a round's ratio while it would skew medians taken side by side.
/// </summary>
/// <param name="C">The kernel's per-run average (BPF_PROG_TEST_RUN duration, whole ns) for the C program.</param>
/// <param name="Empty">The same for a program that only returns: the test-run loop's own cost.</param>
/// <param name="CFine">The kernel's figure to a fraction of a ns (see <see cref="Timing.Fine"/>).</param>
/// <param name="Net">C# over C with the empty program's time taken off both (fine figures): the programs' own cost.</param>
/// <param name="Yielded">Share of the calls whose fine figure is the kernel's whole ns + 0.5, because the call yielded the CPU.</param>
public sealed record Times(string Packet, double C, double? CSharp, double Empty, double CFine, double? CSharpFine, double EmptyFine,
    double? Ratio, double? FineRatio, double? Net, double Yielded);

public static class Timing
{
    /// <summary>
    /// Rounds of TestRun(repeat) on C, C# and the empty program, their order rotated each round so that none always runs
    /// first; a few untimed calls each before. BpfProgram.TestRun's Duration is a TimeSpan (100 ns ticks), too coarse for
    /// programs of a few ns, so this asks the native layer for the kernel's nanoseconds.
    /// </summary>
    public static Times Measure(Packet packet, BpfProgram c, BpfProgram? cs, BpfProgram empty, int repeat, int rounds)
    {
        var frame = packet.Frame();
        var programs = cs is null ? new[] { c, empty } : [c, cs, empty];
        var kernel = programs.Select(_ => new double[rounds]).ToArray();
        var fine = programs.Select(_ => new double[rounds]).ToArray();
        int yielded = 0;
        // Warm-up, untimed: the first calls also pay for .NET's JIT of this path, on this 2-CPU machine.
        for (int w = 0; w < 3; w++)
            foreach (var p in programs) Run(p, frame, Math.Max(1, repeat / 10));
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < programs.Length; k++)
            {
                int i = (r + k) % programs.Length;
                var (ns, wall) = Run(programs[i], frame, repeat);
                kernel[i][r] = ns;
                fine[i][r] = Fine(ns, wall, repeat, ref yielded);
            }
        int e = programs.Length - 1;
        double share = (double)yielded / (rounds * programs.Length);
        if (cs is null)
            return new Times(packet.Name, Median(kernel[0]), null, Median(kernel[e]), Median(fine[0]), null, Median(fine[e]), null, null, null, share);
        var rs = Enumerable.Range(0, rounds);
        return new Times(packet.Name, Median(kernel[0]), Median(kernel[1]), Median(kernel[e]), Median(fine[0]), Median(fine[1]), Median(fine[e]),
            Median(rs.Select(r => kernel[1][r] / kernel[0][r])),
            Median(rs.Select(r => fine[1][r] / fine[0][r])),
            Median(rs.Select(r => (fine[1][r] - fine[e][r]) / Math.Max(fine[0][r] - fine[e][r], 0.01))), share);
    }

    /// <summary>
    /// The kernel reports whole ns (time / repeats, rounded down), too coarse for differences of a few ns. The call timed
    /// from user space and divided by the repeats is the same figure unrounded (the syscall's microseconds vanish in the
    /// repeats) unless the run yielded the CPU: the kernel stops its clock while another task runs (cond_resched), the wall
    /// clock does not. So: the wall figure when it is within a ns of the kernel's, else the kernel's + 0.5.
    /// </summary>
    public static double Fine(double kernelNs, double wallNs, int repeat, ref int yielded)
    {
        double slack = 1 + 5000.0 / repeat;   // 5 us per call for the syscall itself: matters only with few repeats
        double d = wallNs - kernelNs;
        if (d >= 0 && d < slack) return Math.Min(wallNs, kernelNs + 0.999);
        yielded++;
        return kernelNs + 0.5;
    }

    private static (double Kernel, double Wall) Run(BpfProgram program, byte[] frame, int repeat)
    {
        long start = Stopwatch.GetTimestamp();
        var result = BpfSyscall.ProgTestRun(program.Fd, frame, default, (uint)repeat);
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
