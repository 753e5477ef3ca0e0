using Ebpf.Object.Sections;

namespace Ebpf.Object.Tests.Sections;

public class SectionTableErrorTests
{
    [Theory]
    [InlineData("cgroup_skb")]
    [InlineData("cgroup_skb/")]
    [InlineData("cgroup_skb/ingres")]
    [InlineData("cgroup_skb/foo")]
    [InlineData("cgroup_skb/ingress/extra")]
    public void Cgroup_skb_without_a_valid_direction_says_so(string section)
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(section, "no_direction"));
        Assert.Equal(InvalidSectionNameReason.MissingCgroupSkbDirection, e.Reason);
        Assert.Equal(section, e.Section);
        Assert.Contains($"\"{section}\"", e.Message);
        Assert.Contains("'no_direction'", e.Message);
        Assert.Contains("needs a direction", e.Message);
        Assert.Contains("\"cgroup_skb/ingress\"", e.Message);
        Assert.Contains("\"cgroup_skb/egress\"", e.Message);
        Assert.Contains("\"cgroup/skb\"", e.Message);
        Assert.Contains("when attaching", e.Message);
        Assert.Equal(["cgroup_skb/ingress", "cgroup_skb/egress", "cgroup/skb"], e.Suggestions);
    }

    [Fact]
    public void Cgroup_skb_message_reads_well()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("cgroup_skb", "no_direction"));
        Assert.Equal(
            "Program 'no_direction' is in section \"cgroup_skb\", but a cgroup_skb program needs a direction: " +
            "use \"cgroup_skb/ingress\" or \"cgroup_skb/egress\", or \"cgroup/skb\" to choose the direction when attaching.",
            e.Message);
        var anonymous = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("cgroup_skb"));
        Assert.Null(anonymous.ProgramName);
        Assert.Contains("\"cgroup_skb\"", anonymous.Message);
        Assert.Contains("needs a direction", anonymous.Message);
    }

    [Fact]
    public void Unknown_name_lists_the_closest()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("xdpp", "typo_xdp"));
        Assert.Equal(InvalidSectionNameReason.Unknown, e.Reason);
        Assert.Equal(["xdp", "xdp.frags", "xdp/devmap"], e.Suggestions);
        Assert.StartsWith(
            "Section \"xdpp\" (program 'typo_xdp') is not a known program section. Did you mean \"xdp\", \"xdp.frags\" or \"xdp/devmap\"?",
            e.Message);
    }

    [Theory]
    [InlineData("cgroup/conect4", "cgroup/connect4")]
    [InlineData("kprobee/foo", "kprobe/foo")]
    [InlineData("kprobe_multi/do_*", "kprobe.multi/do_*")]
    [InlineData("tracepont/syscalls/sys_enter_openat", "tracepoint/syscalls/sys_enter_openat")]
    [InlineData("XDP", "xdp")]
    [InlineData("sk_msg/my_prog", "sk_msg")]
    [InlineData("cgroup/sendmsg", "cgroup/sendmsg4")]
    [InlineData("fentri/do_unlinkat", "fentry/do_unlinkat")]
    [InlineData("lsm.z/file_open", "lsm.s/file_open")]
    [InlineData("tcx", "tcx/egress")]
    [InlineData("sockop", "sockops")]
    public void Typos_suggest_the_intended_name_first(string section, string intended)
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(section));
        Assert.Equal(InvalidSectionNameReason.Unknown, e.Reason);
        Assert.NotEmpty(e.Suggestions);
        Assert.Equal(intended, e.Suggestions[0]);
        Assert.Contains($"\"{intended}\"", e.Message);
        Assert.All(e.Suggestions, s => Assert.True(SectionTable.TryResolve(s, out _, out _), $"suggested \"{s}\" does not resolve"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Empty_or_blank_section_is_an_error_not_a_crash(string section)
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(section, "p"));
        Assert.Equal(InvalidSectionNameReason.Empty, e.Reason);
        Assert.Contains("'p'", e.Message);
        Assert.NotEmpty(e.Suggestions);
        Assert.Contains("xdp", e.Suggestions);
        Assert.False(SectionTable.TryResolve(section, out var def, out var error));
        Assert.Null(def);
        Assert.NotNull(error);
    }

    [Fact]
    public void Null_section_is_treated_as_empty()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(null!));
        Assert.Equal(InvalidSectionNameReason.Empty, e.Reason);
    }

    [Fact]
    public void Nothing_close_lists_common_names_instead()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("zzzzzzzzzzzzzzzzzzzzzzzz"));
        Assert.Empty(e.Suggestions);
        Assert.Contains("Known sections include", e.Message);
    }

    [Fact]
    public void Control_characters_and_long_names_are_escaped_in_messages()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("xd\u0001p\"" + new string('a', 5000)));
        Assert.Contains("\\u0001", e.Message);
        Assert.Contains("\\\"", e.Message);
        Assert.True(e.Message.Length < 1000, $"message is {e.Message.Length} chars");
    }

    [Fact]
    public void Error_is_a_BpfException()
    {
        Assert.False(SectionTable.TryResolve("nope", out _, out var error));
        Assert.IsAssignableFrom<BpfException>(error);
    }

    [Fact]
    public void Resolve_throws_nothing_else_for_random_strings()
    {
        var random = new Random(12345);
        // Alphabet skewed toward section-name characters so that many strings come near real names.
        const string alphabet = "abcdefgiklmnoprstuvwxyz_./:+*?0123456 \t\"\\\u0000\u00e9\ud800";
        string[] seeds = ["cgroup", "cgroup_skb", "xdp", "kprobe", "tp", "uprobe", "lsm", "sk_", "tc", "iter", "usdt"];
        int resolved = 0;
        for (int i = 0; i < 10_000; i++)
        {
            int length = random.Next(0, i % 100 == 0 ? 400 : 24);
            var chars = new char[length];
            for (int j = 0; j < length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            string s = (random.Next(3) == 0 ? seeds[random.Next(seeds.Length)] : "") + new string(chars);
            try
            {
                var def = SectionTable.Resolve(s, random.Next(2) == 0 ? "p" : null, random.Next(4) == 0 ? SectionNameMode.Legacy : SectionNameMode.Strict);
                _ = def.AutoAttach;
                _ = def.TracepointCategory;
                resolved++;
            }
            catch (InvalidSectionNameException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message));
            }
        }
        Assert.True(resolved > 0, "no random string resolved: the generator is not exercising the match paths");
    }
}
