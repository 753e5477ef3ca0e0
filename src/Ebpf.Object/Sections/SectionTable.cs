using System.Text;

namespace Ebpf.Object.Sections;

/// <summary>
/// Maps an ELF program section name to its program type, expected attach type and attach target,
/// as libbpf 1.x and Aya do. Works on any string: every refusal is an <see cref="InvalidSectionNameException"/>
/// that names the section and the closest valid names.
/// </summary>
public static class SectionTable
{
    private static readonly string[] DirectionNames = ["cgroup_skb/ingress", "cgroup_skb/egress", "cgroup/skb"];

    // Shown when nothing is close; the common kinds, with their target shapes.
    private const string CommonNames =
        "\"xdp\", \"tcx/ingress\", \"cgroup_skb/ingress\", \"kprobe/FUNCTION\", \"tracepoint/CATEGORY/NAME\" and \"fentry/FUNCTION\"";

    /// <summary>The table, in matching order (first match wins). Includes <see cref="SectionFlags.LegacyOnly"/> rows.</summary>
    public static IReadOnlyList<SectionEntry> Entries { get; } = Array.AsReadOnly(SectionEntries.All);

    /// <summary>Resolves <paramref name="section"/>; <paramref name="programName"/>, when given, goes into the error message.</summary>
    /// <exception cref="InvalidSectionNameException">No entry matches.</exception>
    public static SectionDefinition Resolve(string section, string? programName = null, SectionNameMode mode = SectionNameMode.Strict)
    {
        if (TryResolve(section, programName, mode, out var def, out var error)) return def!;
        throw error!;
    }

    public static bool TryResolve(string section, out SectionDefinition? def, out InvalidSectionNameException? error) =>
        TryResolve(section, null, SectionNameMode.Strict, out def, out error);

    public static bool TryResolve(string section, string? programName, out SectionDefinition? def, out InvalidSectionNameException? error) =>
        TryResolve(section, programName, SectionNameMode.Strict, out def, out error);

    public static bool TryResolve(string section, string? programName, SectionNameMode mode,
        out SectionDefinition? def, out InvalidSectionNameException? error)
    {
        section ??= "";
        error = null;
        def = MatchStrict(section, mode) ?? (mode == SectionNameMode.Legacy ? MatchSloppy(section) : null);
        if (def is not null) return true;
        error = CreateError(section, programName);
        return false;
    }

    /// <summary>Valid names closest to <paramref name="section"/> by edit distance, best first; typos in a prefix keep the target ("kprobee/f" → "kprobe/f").</summary>
    public static IEnumerable<string> ClosestNames(string section, int count = 3)
    {
        section ??= "";
        if (count <= 0) return [];
        var s = section.AsSpan().Trim();
        if (s.Length > EditDistance.MaxLength) s = s[..EditDistance.MaxLength];
        int slash = s.IndexOf('/');
        var head = slash < 0 ? s : s[..slash];
        string tail = slash < 0 ? "" : s[slash..].ToString();
        int threshold = 2 * Math.Max(2, s.Length / 3);

        // Scores are doubled edit distances, so half-point penalties stay integral.
        var scored = new List<(int Score, string Name, int Order)>();
        for (int i = 0; i < SectionEntries.All.Length; i++)
        {
            var e = SectionEntries.All[i];
            if (e.LegacyOnly) continue;
            var name = e.Name.AsSpan();
            int best = 2 * EditDistance.Compute(s, name);
            string display = e.Name;
            if (s.Length > 0 && s.Length < name.Length)   // a typo in the start of a longer name: "xdpp" → "xdp.frags"
                best = Math.Min(best, 2 * EditDistance.Compute(s, name[..s.Length]) + 1);
            if (slash >= 0)
            {
                int h = 2 * EditDistance.Compute(head, name);
                if (e.Match != SectionMatch.Exact && h < best) { best = h; display = e.Name + tail; }   // keep the target
                else if (e.Match == SectionMatch.Exact && h + 2 < best) best = h + 2;                     // "sk_msg/x" → "sk_msg"
            }
            if (best <= threshold) scored.Add((best, display, i));
        }
        return scored.OrderBy(x => x.Score).ThenBy(x => x.Name.Length).ThenBy(x => x.Order)
            .Select(x => x.Name).Distinct(StringComparer.Ordinal).Take(count).ToArray();
    }

    private static SectionDefinition? MatchStrict(string section, SectionNameMode mode)
    {
        foreach (var e in SectionEntries.All)
        {
            if (e.LegacyOnly && mode != SectionNameMode.Legacy) continue;
            string? target;
            switch (e.Match)
            {
                case SectionMatch.Exact:
                    if (!string.Equals(section, e.Name, StringComparison.Ordinal)) continue;
                    target = null;
                    break;
                case SectionMatch.ExactOrTarget:
                    if (!section.StartsWith(e.Name, StringComparison.Ordinal)) continue;
                    if (section.Length == e.Name.Length) target = null;
                    else if (section[e.Name.Length] == '/') target = section[(e.Name.Length + 1)..];
                    else continue;
                    break;
                default:
                    if (section.Length <= e.Name.Length || section[e.Name.Length] != '/' || !section.StartsWith(e.Name, StringComparison.Ordinal)) continue;
                    target = section[(e.Name.Length + 1)..];
                    break;
            }
            return new SectionDefinition
            {
                Section = section,
                Entry = e,
                AttachTarget = target,
                AttachTargetError = SectionTargets.Validate(e, target),
            };
        }
        return null;
    }

    // libbpf 0.x: entries marked SEC_SLOPPY_PFX matched any name they begin; this also covers Aya 0.11's "xdp/my_prog".
    private static SectionDefinition? MatchSloppy(string section)
    {
        foreach (var e in SectionEntries.All)
        {
            if ((e.Flags & SectionFlags.SloppyPrefix) != 0 && section.StartsWith(e.Name, StringComparison.Ordinal))
                return new SectionDefinition { Section = section, Entry = e, LegacyMatch = true };
        }
        return null;
    }

    private static InvalidSectionNameException CreateError(string section, string? programName)
    {
        string quoted = Quote(section);
        string program = string.IsNullOrEmpty(programName) ? "" : $"'{Printable(programName)}'";

        if (string.IsNullOrWhiteSpace(section))
        {
            string[] common = ["xdp", "tcx/ingress", "cgroup_skb/ingress"];
            string who = program.Length > 0 ? $"Program {program} is in an empty section {quoted}" : $"Section {quoted} is empty";
            return new InvalidSectionNameException(section, programName, InvalidSectionNameReason.Empty, common,
                $"{who}, which names no program type. Put the program in a named section; known sections include {CommonNames}.");
        }

        if (section == "cgroup_skb" || section.StartsWith("cgroup_skb/", StringComparison.Ordinal))
        {
            string who = program.Length > 0 ? $"Program {program} is in section {quoted}" : $"Section {quoted} is a cgroup_skb section";
            return new InvalidSectionNameException(section, programName, InvalidSectionNameReason.MissingCgroupSkbDirection, DirectionNames,
                $"{who}, but a cgroup_skb program needs a direction: use \"cgroup_skb/ingress\" or \"cgroup_skb/egress\", " +
                "or \"cgroup/skb\" to choose the direction when attaching." + LegacyHint(section));
        }

        var suggestions = ClosestNames(section).ToArray();
        var message = new StringBuilder($"Section {quoted}");
        if (program.Length > 0) message.Append($" (program {program})");
        message.Append(" is not a known program section.");
        if (suggestions.Length > 0)
            message.Append(" Did you mean ").Append(JoinOr(suggestions)).Append('?');
        else
            message.Append(" Known sections include ").Append(CommonNames).Append('.');
        message.Append(LegacyHint(section));
        return new InvalidSectionNameException(section, programName, InvalidSectionNameReason.Unknown, suggestions, message.ToString());
    }

    // Older tools accepted some of these names; saying so explains why the object "used to work".
    private static string LegacyHint(string section) =>
        MatchSloppy(section) is { } legacy
            ? $" libbpf 0.x and Aya 0.11 read it as \"{legacy.Prefix}\"; rename it, or resolve with SectionNameMode.Legacy."
            : "";

    private static string JoinOr(IReadOnlyList<string> names)
    {
        var quoted = names.Select(Quote).ToArray();
        return quoted.Length == 1 ? quoted[0] : string.Join(", ", quoted[..^1]) + " or " + quoted[^1];
    }

    // Section names come from foreign files: keep control characters and huge names out of messages.
    private static string Quote(string s) => "\"" + Printable(s) + "\"";

    private static string Printable(string s)
    {
        const int max = 200;
        var sb = new StringBuilder();
        foreach (char c in s.Length > max ? s[..max] : s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (char.IsControl(c) || char.IsSurrogate(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (s.Length > max) sb.Append($"...({s.Length} chars)");
        return sb.ToString();
    }
}
