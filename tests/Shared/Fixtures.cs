namespace Ebpf.Tests;

/// <summary>Locates the C fixtures that the test build compiles with clang-14 into tests/fixtures/out.</summary>
public static class Fixtures
{
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
                var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "out");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        throw new InvalidOperationException("tests/fixtures/out not found: the test build runs `make -C tests/fixtures` to create it.");
    }
}
