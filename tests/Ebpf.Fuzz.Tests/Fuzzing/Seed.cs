using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>A valid input and its fields; for .BTF.ext, the BTF its records refer to.</summary>
public sealed record Seed(string Name, TargetKind Kind, byte[] Bytes, FieldMap Map, BtfSpec? ExtBtf = null);

/// <summary>
/// The seeds: every clang fixture (tests/fixtures/out/*.o) and objects the C# compiler writes, each as a whole
/// object, as its raw .BTF and as its .BTF.ext; and two executables for the uprobe and USDT reader.
/// </summary>
public static class Seeds
{
    private static readonly Lazy<IReadOnlyList<Seed>> All = new(Build);

    public static IReadOnlyList<Seed> Get() => All.Value;

    /// <summary>Program classes of the compiler corpus: maps of every style, global data, log sites, tail calls.</summary>
    private static readonly Type[] CompiledClasses = [typeof(MapPrograms), typeof(GlobalPrograms), typeof(MixedPrograms), typeof(TailCallPrograms), typeof(PacketPrograms)];

    private static List<Seed> Build()
    {
        var objects = Fixtures.All().Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        foreach (var type in CompiledClasses)
            objects.Add(($"C#:{type.Name}", ProgramCompiler.Compile(type)));
        var seeds = new List<Seed>();
        foreach (var (name, bytes) in objects)
        {
            seeds.Add(new Seed(name, TargetKind.Elf, bytes, Layouts.Elf(bytes)));
            if (Layouts.SectionBytes(bytes, ".BTF") is not { } btf) continue;
            var btfMap = Layouts.Btf(btf);
            seeds.Add(new Seed($"{name}/.BTF", TargetKind.Btf, btf, btfMap));
            if (Layouts.SectionBytes(bytes, ".BTF.ext") is not { } ext) continue;
            var spec = BtfSpec.Parse(btf);
            seeds.Add(new Seed($"{name}/.BTF.ext", TargetKind.BtfExt, ext, Layouts.BtfExt(ext, spec.StringTableLength, spec.Count), spec));
        }
        foreach (var (name, bytes) in Executables())
            seeds.Add(new Seed(name, TargetKind.Binary, bytes, Layouts.Elf(bytes)));
        return seeds;
    }

    // A PIE with two USDT probes with semaphores (.probes and .stapsdt.base), built with gcc as the uprobe
    // tests build theirs; and /usr/bin/true, a stripped system binary with dynamic symbols only.
    private const string UsdtSource = """
        #define _SDT_HAS_SEMAPHORES 1
        #include <sys/sdt.h>
        __attribute__((section(".probes"))) volatile unsigned short fuzz_tick_semaphore, fuzz_guarded_semaphore;
        int main(int argc, char **argv) {
            long twice = 2L * argc;
            DTRACE_PROBE2(fuzz, tick, argc, twice);
            if (fuzz_guarded_semaphore) DTRACE_PROBE3(fuzz, guarded, argc, twice, argv[0]);
            return 0;
        }
        """;

    private static IEnumerable<(string, byte[])> Executables()
    {
        var dir = Directory.CreateTempSubdirectory("ebpf-fuzz-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "usdt.c"), UsdtSource);
            var gcc = new System.Diagnostics.ProcessStartInfo("gcc", ["-O1", "-o", Path.Combine(dir, "usdt"), Path.Combine(dir, "usdt.c")])
            { RedirectStandardError = true, UseShellExecute = false };
            using var p = System.Diagnostics.Process.Start(gcc)!;
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"gcc could not build the USDT seed (sys/sdt.h comes with systemtap-sdt-dev): {error}");
            return [("usdt (gcc)", File.ReadAllBytes(Path.Combine(dir, "usdt"))), ("/usr/bin/true", File.ReadAllBytes("/usr/bin/true"))];
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
