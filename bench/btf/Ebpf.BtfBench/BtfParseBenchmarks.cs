using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Ebpf.Object.Btf;

namespace Ebpf.BtfBench;

/// <summary>
/// Btf.Parse over the kernel's BTF and over the largest fixture's .BTF section (bytes already in memory),
/// and Btf.Load(path) (file read included), which is what libbpf's btf__parse(path) does.
/// </summary>
[MemoryDiagnoser]
public class BtfParseBenchmarks
{
    private byte[] _vmlinux = [];
    private byte[] _fixture = [];

    [GlobalSetup]
    public void Setup()
    {
        _vmlinux = File.ReadAllBytes(Btf.KernelPath);
        _fixture = BenchData.LargestFixtureBtf();
    }

    [Benchmark]
    public int ParseVmlinux()
    {
        using var btf = Btf.Parse(_vmlinux);
        return btf.Count;
    }

    [Benchmark]
    public int LoadVmlinuxFromFile()
    {
        using var btf = Btf.Load(Btf.KernelPath);
        return btf.Count;
    }

    [Benchmark]
    public int ParseLargestFixture()
    {
        using var btf = Btf.Parse(_fixture);
        return btf.Count;
    }
}

internal static class BenchData
{
    /// <summary>The biggest .BTF among tests/fixtures/out/*.o, extracted with llvm-objcopy-14.</summary>
    public static byte[] LargestFixtureBtf()
    {
        string dir = FindFixtures();
        byte[] best = [];
        foreach (var obj in Directory.EnumerateFiles(dir, "*.o"))
        {
            string tmp = Path.Combine(Path.GetTempPath(), $"bench-{Environment.ProcessId}-{Path.GetFileNameWithoutExtension(obj)}.btf");
            var p = Process.Start(new ProcessStartInfo("llvm-objcopy-14", $"--dump-section .BTF={tmp} {obj} {tmp}.o") { RedirectStandardError = true })!;
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(tmp)) continue;
            var b = File.ReadAllBytes(tmp);
            File.Delete(tmp);
            File.Delete(tmp + ".o");
            if (b.Length > best.Length) best = b;
        }
        if (best.Length == 0) throw new InvalidOperationException($"no .BTF found in {dir}/*.o (run make -C tests/fixtures)");
        return best;
    }

    // BenchmarkDotNet runs each benchmark in a child process from its own build folder, so the source file's
    // location (recorded at compile time) is the reliable way back to the repository.
    private static string FindFixtures([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(source) ?? "", Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                string c = Path.Combine(d.FullName, "tests", "fixtures", "out");
                if (Directory.Exists(c)) return c;
            }
        throw new InvalidOperationException("tests/fixtures/out not found; run from the repository");
    }
}
