using Xunit.Abstractions;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>
/// The readers (ELF object, BTF, .BTF.ext, executables for uprobes and USDT, and what hangs off them) on mutants of valid objects: each gives a result or
/// a BpfException, never another exception, a hang or a stack overflow. CI runs a fixed number of mutants from a
/// fixed seed; EBPF_FUZZ_MUTANTS, EBPF_FUZZ_SEED and EBPF_FUZZ_SECONDS make a longer run by hand (see README.md).
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private const int CiMutants = 20_000;
    private const int CiSeed = 20261206;

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    [Fact]
    public void Mutants_of_objects_btf_btf_ext_and_executables_are_read_or_refused_with_a_BpfException()
    {
        var seeds = Seeds.Get();
        var outDir = Environment.GetEnvironmentVariable("EBPF_FUZZ_OUT");
        if (outDir is not null) Directory.CreateDirectory(outDir);
        var runner = new FuzzRunner
        {
            FailureDirectory = outDir,
            CurrentInputPath = Environment.GetEnvironmentVariable("EBPF_FUZZ_CRASH_FILE"),
        };
        int seconds = Setting("EBPF_FUZZ_SECONDS", 0);
        var report = runner.RunMutants(seeds, Setting("EBPF_FUZZ_SEED", CiSeed), Setting("EBPF_FUZZ_MUTANTS", CiMutants),
            seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
        output.WriteLine($"{seeds.Count} seeds; {report}");
        foreach (var f in report.Failures) output.WriteLine(f.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Mutants / 10 && report.Accepted > report.Mutants / 20,
            $"the mutants should both pass and fail the readers in numbers, or the mutator is off: {report}");
    }

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Corpus.Files()) data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Inputs_that_once_broke_a_reader_are_read_or_refused(string file)
    {
        var report = new FuzzRunner().RunInputs([Corpus.Load(file)]);
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures));
    }
}

/// <summary>
/// Corpus/elf/*.elf (objects; .o is ignored by git), Corpus/btf/*.btf, Corpus/ext/*.ext (each with the .btf of the same name its records refer to) and
/// Corpus/bin/*.bin (executables):
/// inputs that broke a reader before its fix, kept as regression tests.
/// </summary>
public static class Corpus
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IEnumerable<string> Files() => !Directory.Exists(Root) ? [] :
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".elf" or ".ext" or ".bin" || (Path.GetExtension(f) == ".btf" && !File.Exists(Path.ChangeExtension(f, ".ext"))))
            .Select(f => Path.GetRelativePath(Root, f)).Order(StringComparer.Ordinal);

    public static (string, TargetKind, byte[], BtfSpec?) Load(string relative)
    {
        var path = Path.Combine(Root, relative);
        var bytes = File.ReadAllBytes(path);
        return Path.GetExtension(path) switch
        {
            ".elf" => (relative, TargetKind.Elf, bytes, null),
            ".btf" => (relative, TargetKind.Btf, bytes, null),
            ".bin" => (relative, TargetKind.Binary, bytes, null),
            _ => (relative, TargetKind.BtfExt, bytes, BtfSpec.Parse(File.ReadAllBytes(Path.ChangeExtension(path, ".btf")))),
        };
    }
}
