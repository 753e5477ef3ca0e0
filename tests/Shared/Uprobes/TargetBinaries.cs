using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>
/// Small C programs built with gcc into a temporary directory for the uprobe tests to probe, removed on Dispose:
/// <c>target</c> (a PIE calling add and sub N times), <c>nopie</c> (the same, position-dependent),
/// <c>libtarget.so</c> with <c>lib_mul</c> and <c>libcaller</c> calling it, <c>usdt</c> with a sys/sdt.h probe and
/// <c>usdt_sem</c> with a semaphore-guarded one.
/// </summary>
public sealed class TargetBinaries : IDisposable
{
    // -O0 keeps every call a call (no inlining, no clones); the results go to a volatile sink.
    private const string Target = """
        #include <stdlib.h>
        volatile long sink;
        __attribute__((noinline)) int add(int a, int b) { return a + b; }
        __attribute__((noinline)) int sub(int a, int b) { return a - b; }
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 1;
            for (int i = 0; i < n; i++) { sink += add(i, 3); sink += sub(i, 1); }
            return 0;
        }
        """;

    private const string Library = """
        __attribute__((noinline)) int lib_mul(int a, int b) { return a * b; }
        """;

    private const string LibraryCaller = """
        #include <stdlib.h>
        int lib_mul(int a, int b);
        volatile long sink;
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 1;
            for (int i = 0; i < n; i++) sink += lib_mul(i, 2);
            return 0;
        }
        """;

    // DTRACE_PROBE2 records the two arguments' locations (a register, a stack slot or a constant) in .note.stapsdt.
    private const string Usdt = """
        #include <stdlib.h>
        #include <sys/sdt.h>
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 1;
            for (volatile int i = 0; i < n; i++) {
                long twice = 2L * i;
                DTRACE_PROBE2(ebpftest, tick, i, twice);
            }
            return 0;
        }
        """;

    // A semaphore-guarded probe: the probe's note records the semaphore's address, which the kernel increments in every
    // process mapping the binary while a uprobe with that reference counter is attached. For each number n read from
    // stdin the program fires the probe up to n times (only while the semaphore is set) and prints "semaphore fired".
    private const string UsdtSemaphore = """
        #define _SDT_HAS_SEMAPHORES 1
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/sdt.h>
        __attribute__((section(".probes"))) volatile unsigned short ebpftest_guarded_semaphore;
        int main(void) {
            char line[32];
            while (fgets(line, sizeof line, stdin)) {
                int n = atoi(line), fired = 0;
                for (volatile int i = 0; i < n; i++) {
                    long twice = 2L * i;
                    if (ebpftest_guarded_semaphore) {
                        DTRACE_PROBE2(ebpftest, guarded, i, twice);
                        fired++;
                    }
                }
                printf("%u %d\n", (unsigned)ebpftest_guarded_semaphore, fired);
                fflush(stdout);
            }
            return 0;
        }
        """;

    public TargetBinaries()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ebpf-uprobe-").FullName;
        Gcc("target.c", Target, "target", "-O0");
        Gcc("target.c", Target, "nopie", "-O0", "-no-pie", "-fno-pie");
        Gcc("lib.c", Library, "libtarget.so", "-O0", "-shared", "-fPIC");
        Gcc("caller.c", LibraryCaller, "libcaller", "-O0", $"-L{Directory}", "-ltarget", $"-Wl,-rpath,{Directory}");
        Gcc("usdt.c", Usdt, "usdt", "-O1");
        Gcc("usdt_sem.c", UsdtSemaphore, "usdt_sem", "-O1");
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Runs a built program with argument <paramref name="n"/> to its end.</summary>
    public void Run(string name, int n)
    {
        using var p = Process.Start(new ProcessStartInfo(Path(name), n.ToString()) { UseShellExecute = false })!;
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException($"{name} {n} did not finish"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{name} {n} exited with {p.ExitCode}");
    }

    /// <summary>Starts a built program that answers lines on stdin with a line on stdout (usdt_sem); kill it when done.</summary>
    public Process Start(string name) =>
        Process.Start(new ProcessStartInfo(Path(name)) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true })!;

    private void Gcc(string source, string text, string output, params string[] flags)
    {
        var src = Path(source);
        File.WriteAllText(src, text);
        // The source must come before -l options for the linker to resolve against the library.
        var psi = new ProcessStartInfo("gcc") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-o"); psi.ArgumentList.Add(Path(output));
        psi.ArgumentList.Add(src);
        foreach (var f in flags) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"gcc {output} failed: {err}");
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
