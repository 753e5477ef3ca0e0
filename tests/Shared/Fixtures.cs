namespace Ebpf.Tests;

/// <summary>
/// Locates the C fixtures' objects: tests/fixtures/out, which the build of a project with EbpfCFixtures=true compiles with
/// clang-14, else tests/fixtures/prebuilt, the same objects committed, so projects that only read them build without clang.
/// </summary>
public static class Fixtures
{
#if EBPF_PREBUILT_FIXTURES
    private const string Objects = "prebuilt";
    private const string Hint = "the objects are committed in tests/fixtures/prebuilt (make -C tests/fixtures prebuilt)";
#else
    private const string Objects = "out";
    private const string Hint = "the test build runs `make -C tests/fixtures` to create it (EbpfCFixtures=true)";
#endif

    public static string Directory { get; } = FindOut();

    public static string Path(string name) => System.IO.Path.Combine(Directory, name.EndsWith(".o") ? name : name + ".o");

    public static IEnumerable<string> All() => System.IO.Directory.EnumerateFiles(Directory, "*.o").Order(StringComparer.Ordinal);

    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (var f in All()) data.Add(System.IO.Path.GetFileName(f));
        return data;
    }

    // Walks up from the test binary, then from this source file: builds with --artifacts-path put the binary outside the repository.
    private static string FindOut([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(sourceFile) ?? "" })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", Objects);
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        throw new InvalidOperationException($"tests/fixtures/{Objects} not found: {Hint}.");
    }
}
