using Ebpf.Tests;

namespace Ebpf.Loader.Tests.FixtureObjects;

/// <summary>
/// tests/fixtures/prebuilt, which the test projects without clang read, must be the objects this build just made in
/// tests/fixtures/out (the Makefile maps the source directory away, so the bytes match wherever the repository is).
/// </summary>
public class PrebuiltObjectsTests
{
    private static readonly string Prebuilt = Path.Combine(Fixtures.Directory, "..", "prebuilt");

    [Fact]
    public void Prebuilt_objects_are_the_ones_the_fixtures_build_makes()
    {
        var built = Objects(Fixtures.Directory);
        var committed = Objects(Prebuilt);
        var stale = built.Where(name => !committed.Contains(name)).Select(name => name + " (missing)")
            .Concat(committed.Where(name => !built.Contains(name)).Select(name => name + " (no source any more)"))
            .Concat(built.Intersect(committed).Where(name => !SameBytes(name)).Select(name => name + " (differs)"))
            .ToList();
        Assert.True(stale.Count == 0,
            $"tests/fixtures/prebuilt is stale: {string.Join(", ", stale)}. Run `make -C tests/fixtures prebuilt` and commit prebuilt/.");
    }

    // The objects tests read: the top level and bad/ (not the linker's intermediate parts in linked/).
    private static SortedSet<string> Objects(string directory) => new(
        Directory.EnumerateFiles(directory, "*.o").Select(Path.GetFileName)
            .Concat(Directory.EnumerateFiles(Path.Combine(directory, "bad"), "*.o").Select(f => "bad/" + Path.GetFileName(f)))!,
        StringComparer.Ordinal);

    private static bool SameBytes(string name) =>
        File.ReadAllBytes(Path.Combine(Fixtures.Directory, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Prebuilt, name)));
}
