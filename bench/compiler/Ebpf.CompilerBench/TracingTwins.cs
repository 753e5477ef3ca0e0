using Ebpf;
using Ebpf.Compiler.CodeGen;
using Ebpf.Object;

namespace Ebpf.CompilerBench;

/// <summary>
/// The tracing samples against their C twins (tests/fixtures/*.c, clang-14 -O2): instructions of each program as the
/// loader hands it over, and after loading (xlated, jited bytes, verified instructions). Tracing programs have no
/// BPF_PROG_TEST_RUN, so there is no run time here; the tests compare what the twins report on one workload.
/// </summary>
internal static class TracingTwins
{
    private static readonly (string Sample, Type Programs, string Fixture, string[] Functions)[] Twins =
    [
        ("opensnoop", typeof(OpenSnoop.OpenSnoopProgram), "opensnoop.o", ["Enter", "Exit"]),
        ("execsnoop", typeof(ExecSnoop.ExecSnoopProgram), "execsnoop.o", ["OnExec"]),
        ("tcpconnect", typeof(TcpConnect.TcpConnectProgram), "tcpconnect.o", ["OnStateChange"]),
        ("runqlat", typeof(RunQLat.RunQLatProgram), "runqlat.o", ["OnWakeup", "OnSwitch"]),
        ("bashreadline", typeof(BashReadline.BashReadlineProgram), "bashreadline.o", ["OnReadline"]),
    ];

    /// <summary>Prints the table; 1 when a ratio is over the 1.25 goal.</summary>
    public static int Run(string fixtures)
    {
        Console.WriteLine("tracing twins: C# (Ebpf.Compiler) / C (clang-14 -O2 -mcpu=v3); insns as handed to the kernel, then xlated, jited bytes, verified");
        Console.WriteLine($"{"program",-18} {"insns C#/C",-16} {"xlated",-12} {"jited",-12} {"verified",-12}");
        var over = false;
        foreach (var (sample, programs, fixture, functions) in Twins)
        {
            using var c = BpfObject.Load(Path.Combine(fixtures, fixture));
            var elf = ProgramCompiler.Compile(programs);
            using var cs = BpfObject.Load(elf);
            var spec = BpfObjectFile.Read(elf);
            var cSpec = BpfObjectFile.Read(Path.Combine(fixtures, fixture));
            foreach (var name in functions)
            {
                var mine = Sizes.Of(spec, cs.Programs[name]);
                var theirs = Sizes.Of(cSpec, c.Programs[name]);
                var ratio = (double)mine.Instructions / theirs.Instructions;
                over |= ratio > 1.25;
                Console.WriteLine($"{sample + "." + name,-18} {$"{mine.Instructions}/{theirs.Instructions} = {ratio:F2}",-16} " +
                                  $"{mine.Xlated}/{theirs.Xlated,-8} {mine.Jited}/{theirs.Jited,-8} {mine.Verified}/{theirs.Verified}");
            }
        }
        return over ? 1 : 0;
    }
}
