using System.Runtime.CompilerServices;
using Ebpf.Tests;

namespace Ebpf.Asm.Tests;

/// <summary>
/// tests/fixtures/prebuilt (the committed clang objects), via the shared helper when the test binaries live under the
/// repository, else found from this source file's path (builds with --artifacts-path outside the repository put binaries elsewhere).
/// </summary>
internal static class FixtureFiles
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        try
        {
            return Fixtures.Directory;
        }
        catch (TypeInitializationException)
        {
            var here = SourceDirectory();
            var candidate = Path.GetFullPath(Path.Combine(here, "..", "fixtures", "prebuilt"));
            return System.IO.Directory.Exists(candidate)
                ? candidate
                : throw new InvalidOperationException($"tests/fixtures/prebuilt not found (looked at {candidate}): the objects are committed there (make -C tests/fixtures prebuilt).");
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static IEnumerable<string> AllRelative()
    {
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory, "*.o").Order(StringComparer.Ordinal)) yield return Path.GetFileName(f);
        var bad = Path.Combine(Directory, "bad");
        if (System.IO.Directory.Exists(bad))
            foreach (var f in System.IO.Directory.EnumerateFiles(bad, "*.o").Order(StringComparer.Ordinal)) yield return "bad/" + Path.GetFileName(f);
    }
}
