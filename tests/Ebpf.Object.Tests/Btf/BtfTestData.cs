using System.Diagnostics;
using System.Runtime.CompilerServices;
using Ebpf.Tests;

namespace Ebpf.Object.Tests.Btf;

/// <summary>
/// .BTF and .BTF.ext bytes of the C fixtures, extracted once with llvm-objcopy-14 (independent of our ELF reader),
/// and helpers to run bpftool.
/// </summary>
public static class BtfTestData
{
    public sealed record Sections(string Name, string ObjectPath, byte[] Btf, byte[]? BtfExt);

    private static readonly Lazy<IReadOnlyList<Sections>> s_all = new(Extract);

    public static IReadOnlyList<Sections> All => s_all.Value;

    public static Sections Get(string name) => All.Single(s => s.Name == name);

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var s in All) d.Add(s.Name);
        return d;
    }

    public const string VmlinuxPath = "/sys/kernel/btf/vmlinux";
    public static bool HasVmlinux => File.Exists(VmlinuxPath);

    private static readonly Lazy<byte[]> s_vmlinux = new(() => File.ReadAllBytes(VmlinuxPath));
    public static byte[] Vmlinux => s_vmlinux.Value;

    private static List<Sections> Extract()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ebpf-btf-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var result = new List<Sections>();
        foreach (var obj in FixtureObjects())
        {
            string name = Path.GetFileNameWithoutExtension(obj);
            string btf = Path.Combine(dir, name + ".btf"), ext = Path.Combine(dir, name + ".btfext");
            Run("llvm-objcopy-14", $"--dump-section .BTF={btf} {obj} {Path.Combine(dir, name + ".tmp")}");
            // Not every object needs to have .BTF.ext; a second call tells us without failing the first.
            bool hasExt = TryRun("llvm-objcopy-14", $"--dump-section .BTF.ext={ext} {obj} {Path.Combine(dir, name + ".tmp")}");
            result.Add(new Sections(name, obj, File.ReadAllBytes(btf), hasExt ? File.ReadAllBytes(ext) : null));
        }
        return result;
    }

    // Fixtures.Directory searches upward from the test binary, which fails when the build uses an artifacts path
    // outside the repo (as our private builds do); then fall back to this source file's location.
    private static IEnumerable<string> FixtureObjects()
    {
        try { return Fixtures.All().ToList(); }
        catch (TypeInitializationException) { }
        string dir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "fixtures", "prebuilt"));
        return Directory.EnumerateFiles(dir, "*.o").Order(StringComparer.Ordinal).ToList();
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    public static string Run(string file, string args)
    {
        var (code, stdout, stderr) = Exec(file, args);
        if (code != 0) throw new InvalidOperationException($"{file} {args} failed ({code}): {stderr}");
        return stdout;
    }

    private static bool TryRun(string file, string args) => Exec(file, args).Code == 0;

    private static (int Code, string Stdout, string Stderr) Exec(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderrTask.Result);
    }
}
