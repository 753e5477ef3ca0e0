using System.Text.RegularExpressions;

namespace Ebpf.Object.Tests.Sections;

/// <summary>Reads SEC("...") / PROG("...", name) strings out of the C fixtures, so the tests follow the fixtures as they grow.</summary>
internal static partial class SectionSourceNames
{
    [GeneratedRegex("""\b(?:SEC|PROG1?)\("((?:[^"\\]|\\.)*)"\)?\s*(?:,\s*(\w+)\)|\s*(?:int|char)\s+\**\s*(\w+))?""")]
    private static partial Regex SecPattern();

    /// <summary>tests/fixtures, found from this source file's path (the C sources are read, not the objects), else upward from the binaries.</summary>
    public static string FixturesDirectory { get; } = Find();

    private static string Find([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile) ?? ".", "..", "..", "fixtures"));
        if (File.Exists(Path.Combine(fromSource, "sections.c"))) return fromSource;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "sections.c"))) return candidate;
        }
        throw new InvalidOperationException("tests/fixtures/sections.c not found");
    }

    /// <summary>(section, program) pairs of the program sections in a C file; data sections such as "license" are skipped.</summary>
    public static IReadOnlyList<(string Section, string? Program)> Read(string relativePath)
    {
        string text = File.ReadAllText(Path.Combine(FixturesDirectory, relativePath));
        var result = new List<(string, string?)>();
        foreach (Match m in SecPattern().Matches(text))
        {
            string section = m.Groups[1].Value;
            if (section is "license" or "version" || section.StartsWith('.')) continue;
            string? program = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : null;
            result.Add((section, program));
        }
        return result;
    }
}
