using System.Globalization;

namespace Ebpf.Object.Sections;

/// <summary>A tracepoint target "category/name".</summary>
public readonly record struct TracepointTarget(string Category, string Name);

/// <summary>A kprobe target "function[+offset]".</summary>
public readonly record struct KprobeTarget(string Function, ulong Offset);

/// <summary>A uprobe target "path:function[+offset]"; for uprobe.multi the function is a pattern and the offset 0.</summary>
public readonly record struct UprobeTarget(string BinaryPath, string Function, ulong Offset);

/// <summary>A USDT target "path:provider:name".</summary>
public readonly record struct UsdtTarget(string BinaryPath, string Provider, string Name);

/// <summary>
/// Parses the part of a section name after "prefix/", in the formats libbpf documents, and says why one
/// cannot be attached. libbpf checks these at attach time, not at open, so a bad target never makes
/// <see cref="SectionTable.Resolve"/> fail: it makes <see cref="SectionDefinition.AutoAttach"/> false.
/// </summary>
public static class SectionTargets
{
    public static bool TryParseTracepoint(string? target, out TracepointTarget result)
    {
        result = default;
        int slash = target?.IndexOf('/') ?? -1;
        if (slash <= 0 || slash == target!.Length - 1) return false;
        result = new TracepointTarget(target[..slash], target[(slash + 1)..]);
        return true;
    }

    public static bool TryParseKprobe(string? target, out KprobeTarget result)
    {
        result = default;
        if (string.IsNullOrEmpty(target)) return false;
        int plus = target.IndexOf('+');
        string function = plus < 0 ? target : target[..plus];
        ulong offset = 0;
        if (function.Length == 0 || !function.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.')) return false;
        if (plus >= 0 && !TryParseOffset(target.AsSpan(plus + 1), out offset)) return false;
        result = new KprobeTarget(function, offset);
        return true;
    }

    public static bool TryParseUprobe(string? target, out UprobeTarget result)
    {
        result = default;
        int colon = target?.IndexOf(':') ?? -1;
        if (colon <= 0) return false;
        string path = target![..colon], rest = target[(colon + 1)..];
        int plus = rest.LastIndexOf('+');
        string function = plus < 0 ? rest : rest[..plus];
        ulong offset = 0;
        if (plus >= 0 && !TryParseOffset(rest.AsSpan(plus + 1), out offset)) return false;
        if (function.Length == 0 && plus < 0) return false;
        result = new UprobeTarget(path, function, offset);
        return true;
    }

    public static bool TryParseUsdt(string? target, out UsdtTarget result)
    {
        result = default;
        var parts = target?.Split(':') ?? [];
        if (parts.Length != 3 || parts.Any(p => p.Length == 0)) return false;
        result = new UsdtTarget(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>Why <paramref name="target"/> cannot attach a program of <paramref name="entry"/>, or null when it can (or there is none).</summary>
    internal static string? Validate(SectionEntry entry, string? target)
    {
        if (target is null || entry.TargetKind == SectionTargetKind.None) return null;
        if (target.Length == 0) return $"the target after \"{entry.Name}/\" is empty";
        switch (entry.TargetKind)
        {
            case SectionTargetKind.Tracepoint:
                return TryParseTracepoint(target, out _) ? null
                    : $"a tracepoint target must be \"{entry.Name}/CATEGORY/NAME\"";
            case SectionTargetKind.KernelFunction:
                if (!TryParseKprobe(target, out var k))
                    return $"a {entry.Name} target must be \"{entry.Name}/FUNCTION[+OFFSET]\" with FUNCTION of a-zA-Z0-9_.";
                return k.Offset != 0 && entry.Name.StartsWith("kret", StringComparison.Ordinal)
                    ? "a kretprobe cannot have an offset" : null;
            case SectionTargetKind.KernelFunctionPattern:
                return target.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '*' or '?') ? null
                    : $"a {entry.Name} pattern may hold only a-zA-Z0-9_.*?";
            case SectionTargetKind.UserFunction:
                if (!TryParseUprobe(target, out var u))
                    return $"a {entry.Name} target must be \"{entry.Name}/PATH:FUNCTION[+OFFSET]\"";
                return u.Offset != 0 && entry.Name.StartsWith("uret", StringComparison.Ordinal)
                    ? "a uretprobe cannot have an offset" : null;
            case SectionTargetKind.UserFunctionPattern:
                int colon = target.IndexOf(':');
                return colon > 0 && colon < target.Length - 1 ? null
                    : $"a {entry.Name} target must be \"{entry.Name}/PATH:PATTERN\"";
            case SectionTargetKind.Usdt:
                return TryParseUsdt(target, out _) ? null
                    : $"a {entry.Name} target must be \"{entry.Name}/PATH:PROVIDER:NAME\"";
            default:
                return null;
        }
    }

    // libbpf reads offsets with %li: decimal, 0x hex or 0 octal; we take decimal and hex.
    private static bool TryParseOffset(ReadOnlySpan<char> text, out ulong offset)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset);
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
