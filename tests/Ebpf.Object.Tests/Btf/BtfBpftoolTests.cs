using System.Text.RegularExpressions;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

/// <summary>Our reading agrees with bpftool's: same types, kinds, names and fields, and the same C for structs.</summary>
public partial class BtfBpftoolTests
{
    public static TheoryData<string> Names() => BtfTestData.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Raw_dump_matches_bpftool_line_for_line(string name)
    {
        var s = BtfTestData.Get(name);
        var btf = BtfSpec.Parse(s.Btf);
        string expected = BtfTestData.Run("bpftool", $"btf dump file {s.ObjectPath}");
        AssertSameDump(btf, expected);
    }

    [Fact]
    public void Raw_dump_of_vmlinux_matches_bpftool()
    {
        if (!BtfTestData.HasVmlinux) return;
        var btf = BtfSpec.Parse(BtfTestData.Vmlinux);
        AssertSameDump(btf, BtfTestData.Run("bpftool", $"btf dump file {BtfTestData.VmlinuxPath}"));
    }

    private static void AssertSameDump(BtfSpec btf, string bpftool)
    {
        var types = SplitTypes(bpftool);
        Assert.Equal(btf.Count - 1, types.Count);
        for (int id = 1; id < btf.Count; id++)
        {
            var (header, body) = types[id - 1];
            var m = HeaderLine().Match(header);
            Assert.True(m.Success, header);
            Assert.Equal(id, int.Parse(m.Groups[1].Value));
            Assert.Equal(m.Groups[2].Value, BtfPrinter.KindName(btf[id].Kind));
            Assert.Equal(m.Groups[3].Value == "(anon)" ? "" : m.Groups[3].Value, btf[id].Name);
            // Every field: our raw printer follows bpftool's format exactly.
            Assert.Equal(header + body, BtfPrinter.Describe(btf, id));
        }
    }

    private static List<(string Header, string Body)> SplitTypes(string dump)
    {
        var result = new List<(string, string)>();
        foreach (var line in dump.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line[0] == '[') result.Add((line, ""));
            else result[^1] = (result[^1].Item1, result[^1].Item2 + "\n" + line);
        }
        return result;
    }

    [GeneratedRegex(@"^\[(\d+)\] (\S+) '([^']*)'")]
    private static partial Regex HeaderLine();

    [Theory]
    [MemberData(nameof(Names))]
    public void Format_c_matches_bpftool_for_named_definitions(string name)
    {
        var s = BtfTestData.Get(name);
        var btf = BtfSpec.Parse(s.Btf);
        var blocks = CBlocks(BtfTestData.Run("bpftool", $"btf dump file {s.ObjectPath} format c"));
        int compared = 0;
        for (int id = 1; id < btf.Count; id++)
        {
            var t = btf[id];
            if (t.Name.Length == 0 || t is not (BtfComposite or BtfEnumBase or BtfTypedef or BtfForward)) continue;
            string key = t switch { BtfStruct => "struct ", BtfUnion => "union ", BtfEnumBase => "enum ", BtfForward => "fwd ", _ => "typedef " } + t.Name;
            if (!blocks.TryGetValue(key, out var expected)) continue;
            Assert.Equal(Squash(expected), Squash(BtfPrinter.ToC(btf, id)));
            compared++;
        }
        // Every definition bpftool printed was compared (some fixtures have none: only anonymous map structs).
        Assert.Equal(blocks.Count, compared);
    }

    [Theory]
    [InlineData("__sk_buff")]
    [InlineData("sk_buff")]
    [InlineData("bpf_attr")] // a union
    [InlineData("task_struct")]
    [InlineData("bpf_prog")]
    [InlineData("iphdr")]
    public void Format_c_matches_bpftool_for_vmlinux_structs(string name)
    {
        if (!BtfTestData.HasVmlinux) return;
        var btf = BtfSpec.Parse(BtfTestData.Vmlinux);
        var t = btf.FindByName(name, BtfKind.Struct) ?? btf.FindByName(name, BtfKind.Union)!;
        var blocks = VmlinuxBlocks.Value;
        string key = (t is BtfUnion ? "union " : "struct ") + name;
        Assert.Equal(Squash(blocks[key]), Squash(BtfPrinter.ToC(btf, t.Id)));
    }

    [Fact]
    public void Format_c_matches_bpftool_for_every_named_vmlinux_definition()
    {
        if (!BtfTestData.HasVmlinux) return;
        var btf = BtfSpec.Parse(BtfTestData.Vmlinux);
        var blocks = VmlinuxBlocks.Value;
        int compared = 0;
        var mismatches = new List<string>();
        // Names defined twice (bpftool prints the second as name___2) are left out: which is which is ambiguous.
        var seen = new Dictionary<string, int>();
        for (int id = 1; id < btf.Count; id++)
            if (btf[id] is BtfComposite or BtfEnumBase or BtfTypedef && btf[id].Name.Length > 0)
                seen[btf[id].Kind + " " + btf[id].Name] = seen.GetValueOrDefault(btf[id].Kind + " " + btf[id].Name) + 1;
        for (int id = 1; id < btf.Count; id++)
        {
            var t = btf[id];
            if (t.Name.Length == 0 || t is not (BtfComposite or BtfEnumBase or BtfTypedef)) continue;
            if (seen[t.Kind + " " + t.Name] > 1) continue;
            string key = t switch { BtfStruct => "struct ", BtfUnion => "union ", BtfEnumBase => "enum ", _ => "typedef " } + t.Name;
            if (!blocks.TryGetValue(key, out var expected)) continue;
            // bpftool renames clashing names in a whole-file dump (name___2); a single definition keeps its own.
            if (System.Text.RegularExpressions.Regex.IsMatch(expected, @"___\d")) continue;
            compared++;
            if (Squash(expected) != Squash(BtfPrinter.ToC(btf, id))) mismatches.Add(key);
        }
        Assert.True(compared > 10_000, $"only {compared} definitions compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} differ, e.g. {string.Join(", ", mismatches.Take(10))}");
    }

    private static readonly Lazy<Dictionary<string, string>> VmlinuxBlocks =
        new(() => CBlocks(BtfTestData.Run("bpftool", $"btf dump file {BtfTestData.VmlinuxPath} format c")));

    /// <summary>Top-level definitions of a bpftool C dump, keyed by "struct x", "enum y", "typedef z".</summary>
    private static Dictionary<string, string> CBlocks(string c)
    {
        var blocks = new Dictionary<string, string>();
        var lines = c.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i];
            var m = BlockStart().Match(l);
            if (m.Success)
            {
                int start = i;
                while (i < lines.Length && !lines[i].StartsWith('}')) i++;
                blocks.TryAdd(m.Groups[1].Value + " " + m.Groups[2].Value, string.Join("\n", lines[start..Math.Min(i + 1, lines.Length)]));
            }
            else if (ForwardLine().Match(l) is { Success: true } f)
            {
                blocks.TryAdd("fwd " + f.Groups[1].Value, l);
            }
            else if (l.StartsWith("typedef ") && l.EndsWith(';'))
            {
                var n = TypedefName().Match(l);
                if (n.Success) blocks.TryAdd("typedef " + (n.Groups[1].Success ? n.Groups[1].Value : n.Groups[2].Value), l);
            }
        }
        // bpftool also declares a struct ahead of its definition when types point at each other (struct task_struct;):
        // that is ordering, not a BTF forward.
        foreach (var key in blocks.Keys.Where(k => k.StartsWith("fwd ", StringComparison.Ordinal)).ToList())
            if (blocks.ContainsKey("struct " + key[4..]) || blocks.ContainsKey("union " + key[4..]))
                blocks.Remove(key);
        return blocks;
    }

    [GeneratedRegex(@"^(?:struct|union) (\w+);$")]
    private static partial Regex ForwardLine();

    [GeneratedRegex(@"^(struct|union|enum) (\w+) \{$")]
    private static partial Regex BlockStart();

    private static Regex TypedefName() => new(@"^typedef .*?\(\*(\w+)\)\(.*\);$|^typedef .*\b(\w+)(?:\[\d*\])*;$");

    private static string Squash(string s) => Regex.Replace(s, @"\s+", " ").Replace("* ", "*").Trim();
}
