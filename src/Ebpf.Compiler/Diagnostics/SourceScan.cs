using System.Text.RegularExpressions;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Finds declarations in the source text. The PDB records where statements are, not where a method's attributes or its
/// signature are, so an error about those reads the file (present at build time, where the error is shown) upward from
/// the method's first statement. Without the file, or without a match, the caller keeps the statement's location.
/// </summary>
internal static class SourceScan
{
    // Far enough for a long doc comment and a wrapped signature; a miss only costs precision.
    private const int MaxLines = 60;

    /// <summary>The program attribute's name in an attribute list: "[CgroupSkb(", "[Ebpf.Kernel.CgroupSkbAttribute]", "[A, Xdp]".</summary>
    public static Regex Attribute(Type attribute)
    {
        var name = attribute.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attribute.Name[..^"Attribute".Length] : attribute.Name;
        return new Regex($@"[\[,]\s*(?:\w+\s*:\s*)?(?:[\w.]+\.)?(?<at>{Regex.Escape(name)}(?:Attribute)?)\s*[\(\],]");
    }

    /// <summary>A method's name where it is declared: "Egress(" or "Walk&lt;T&gt;(".</summary>
    public static Regex Declaration(string method) => new($@"\b(?<at>{Regex.Escape(method)})\s*(?:<[^>]*>)?\s*\(");

    /// <summary>
    /// The nearest match of <paramref name="pattern"/> (its group "at") on the line of <paramref name="from"/> or above it,
    /// stopping at the previous member (a line ending in ';', '{' or '}') when <paramref name="withinMember"/>.
    /// </summary>
    public static SourceLocation? FindAbove(SourceLocation? from, Regex pattern, bool withinMember = true)
    {
        if (from is not { } start)
            return null;
        string[] lines;
        try { lines = File.ReadAllLines(start.File); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { return null; }
        for (var line = Math.Min(start.Line, lines.Length); line >= 1 && line > start.Line - MaxLines; line--)
        {
            var text = lines[line - 1];
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*') || trimmed.StartsWith("/*", StringComparison.Ordinal))
                continue;
            var comment = text.IndexOf("//", StringComparison.Ordinal);
            var code = comment >= 0 ? text[..comment] : text;
            if (pattern.Match(code) is { Success: true } match)
                return new SourceLocation(start.File, line, match.Groups["at"].Index + 1);
            if (withinMember && line != start.Line && code.TrimEnd() is [.., ';' or '{' or '}'])
                return null;
        }
        return null;
    }
}
