using Ebpf.Object.Sections;

namespace Ebpf.Object.Tests.Sections;

/// <summary>libbpf's matching rules and the per-section properties beyond program and attach type.</summary>
public class SectionTableBehaviourTests
{
    [Theory]
    [InlineData("xdp/foo")]          // exact entries take no target
    [InlineData("socket1")]          // libbpf 1.x dropped plain-prefix matches
    [InlineData("kprobeX")]          // "kprobe+" needs the end of the name or a '/'
    [InlineData("sk_skb/other")]
    [InlineData("xdp_devmap/x")]     // libbpf 0.x only
    [InlineData("CGROUP/SKB")]       // case matters, as in libbpf
    public void Strict_mode_refuses_what_libbpf_1_refuses(string section) =>
        Assert.False(SectionTable.TryResolve(section, out _, out _));

    [Theory]
    [InlineData("xdp/my_prog", "xdp")]                       // Aya 0.11 "kind/program_name"
    [InlineData("classifier/my_prog", "classifier")]
    [InlineData("socket1", "socket")]                        // libbpf 0.x sloppy prefix
    [InlineData("cgroup/skb/my_prog", "cgroup/skb")]
    [InlineData("cgroup_skb/ingress/my_prog", "cgroup_skb/ingress")]
    [InlineData("sk_skb/stream_parser/p", "sk_skb/stream_parser")]
    [InlineData("xdp_devmap/x", "xdp_devmap")]
    public void Legacy_mode_accepts_older_spellings(string section, string prefix)
    {
        var def = SectionTable.Resolve(section, mode: SectionNameMode.Legacy);
        Assert.Equal(prefix, def.Prefix);
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(section));
        if (prefix != "xdp_devmap") Assert.Contains("SectionNameMode.Legacy", e.Message);
    }

    [Fact]
    public void Legacy_mode_does_not_change_strict_results_nor_fix_a_missing_direction()
    {
        foreach (var (section, _) in SectionSourceNames.Read("sections.c"))
        {
            var strict = SectionTable.Resolve(section);
            var legacy = SectionTable.Resolve(section, mode: SectionNameMode.Legacy);
            Assert.Equal(strict, legacy);
        }
        Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve("cgroup_skb", mode: SectionNameMode.Legacy));
    }

    [Fact]
    public void Cgroup_skb_spellings_carry_the_direction_or_leave_it_to_attach()
    {
        var ingress = SectionTable.Resolve("cgroup_skb/ingress");
        Assert.Equal(BpfAttachType.CgroupInetIngress, ingress.ExpectedAttachType);
        Assert.Equal(BpfAttachType.CgroupInetIngress, ingress.AttachType);
        Assert.True((ingress.Flags & SectionFlags.ExpectedAttachTypeOptional) != 0);

        var either = SectionTable.Resolve("cgroup/skb");
        Assert.Equal(BpfProgramType.CgroupSkb, either.ProgramType);
        Assert.Null(either.ExpectedAttachType);
        Assert.Null(either.AttachType);
        Assert.Null(either.AttachTarget);
        Assert.False(either.AutoAttach);
    }

    [Fact]
    public void Tracepoint_target_is_split_into_category_and_name()
    {
        var def = SectionTable.Resolve("tracepoint/syscalls/sys_enter_openat");
        Assert.Equal("tracepoint", def.Prefix);
        Assert.Equal("syscalls/sys_enter_openat", def.AttachTarget);
        Assert.Equal("syscalls", def.TracepointCategory);
        Assert.Equal("sys_enter_openat", def.TracepointName);
        Assert.True(def.AutoAttach);

        var bad = SectionTable.Resolve("tp/sched_switch");
        Assert.False(bad.AutoAttach);
        Assert.Contains("CATEGORY/NAME", bad.AttachTargetError);
        Assert.Null(bad.TracepointCategory);
    }

    [Theory]
    [InlineData("fentry.s/do_unlinkat", true, false)]
    [InlineData("lsm.s/file_open", true, false)]
    [InlineData("iter.s/task", true, false)]
    [InlineData("uprobe.s//usr/bin/true:main", true, false)]
    [InlineData("uprobe.multi.s//bin/x:f*", true, false)]
    [InlineData("syscall", true, false)]
    [InlineData("struct_ops.s", true, false)]
    [InlineData("fentry/do_unlinkat", false, false)]
    [InlineData("xdp.frags", false, true)]
    [InlineData("xdp.frags/devmap", false, true)]
    [InlineData("xdp.frags/cpumap", false, true)]
    [InlineData("xdp", false, false)]
    public void Sleepable_and_frags_follow_the_spelling(string section, bool sleepable, bool frags)
    {
        var def = SectionTable.Resolve(section);
        Assert.Equal(sleepable, def.Sleepable);
        Assert.Equal(frags, def.XdpFrags);
    }

    [Theory]
    // section, requires target, auto-attach, target
    [InlineData("fentry/do_unlinkat", true, true, "do_unlinkat")]
    [InlineData("fentry", true, false, null)]
    [InlineData("tp_btf/sched_switch", true, true, "sched_switch")]
    [InlineData("iter/task", true, true, "task")]
    [InlineData("lsm/file_open", true, true, "file_open")]
    [InlineData("lsm_cgroup/socket_bind", true, false, "socket_bind")]
    [InlineData("freplace/accept_all", true, true, "accept_all")]
    [InlineData("kprobe/do_unlinkat", false, true, "do_unlinkat")]
    [InlineData("kprobe/do_unlinkat+0x10", false, true, "do_unlinkat+0x10")]
    [InlineData("kretprobe/do_unlinkat+16", false, false, "do_unlinkat+16")]
    [InlineData("kprobe", false, false, null)]
    [InlineData("kprobe/", false, false, "")]
    [InlineData("kprobe.multi/do_*", false, true, "do_*")]
    [InlineData("uprobe//usr/bin/true:main", false, true, "/usr/bin/true:main")]
    [InlineData("uprobe//usr/bin/true", false, false, "/usr/bin/true")]
    [InlineData("uretprobe//usr/bin/true:main+4", false, false, "/usr/bin/true:main+4")]
    [InlineData("uprobe.multi//usr/bin/true:ma*", false, true, "/usr/bin/true:ma*")]
    [InlineData("usdt/./a.out:prov:probe", false, true, "./a.out:prov:probe")]
    [InlineData("usdt/./a.out:prov", false, false, "./a.out:prov")]
    [InlineData("ksyscall/openat", false, true, "openat")]
    [InlineData("raw_tp/sched_switch", false, true, "sched_switch")]
    [InlineData("raw_tp", false, false, null)]
    [InlineData("struct_ops/dummy_test", false, false, "dummy_test")]
    [InlineData("xdp", false, false, null)]
    [InlineData("cgroup_skb/egress", false, false, null)]
    public void Targets_and_auto_attach(string section, bool requiresTarget, bool autoAttach, string? target)
    {
        var def = SectionTable.Resolve(section);
        Assert.Equal(requiresTarget, def.RequiresTarget);
        Assert.Equal(autoAttach, def.AutoAttach);
        Assert.Equal(target, def.AttachTarget);
    }

    [Fact]
    public void Probe_targets_parse()
    {
        Assert.True(SectionTargets.TryParseKprobe("do_unlinkat+0x10", out var k));
        Assert.Equal(new KprobeTarget("do_unlinkat", 16), k);
        Assert.False(SectionTargets.TryParseKprobe("do unlinkat", out _));
        Assert.True(SectionTargets.TryParseUprobe("/usr/lib/libc.so.6:malloc+8", out var u));
        Assert.Equal(new UprobeTarget("/usr/lib/libc.so.6", "malloc", 8), u);
        Assert.True(SectionTargets.TryParseUsdt("./a.out:prov:probe", out var d));
        Assert.Equal(new UsdtTarget("./a.out", "prov", "probe"), d);
        Assert.True(SectionTargets.TryParseTracepoint("sched/sched_switch", out var t));
        Assert.Equal(new TracepointTarget("sched", "sched_switch"), t);
    }

    [Fact]
    public void Probes_attach_through_perf_events_and_multi_links_by_their_type()
    {
        Assert.Equal(BpfAttachType.PerfEvent, SectionTable.Resolve("kprobe/f").AttachType);
        Assert.Equal(BpfAttachType.PerfEvent, SectionTable.Resolve("tracepoint/a/b").AttachType);
        Assert.Equal(BpfAttachType.TraceKprobeMulti, SectionTable.Resolve("kretprobe.multi/f*").AttachType);
        var usdt = SectionTable.Resolve("usdt/x:p:n");
        Assert.Null(usdt.AttachType);
        Assert.True((usdt.Flags & SectionFlags.Usdt) != 0);
    }

    [Fact]
    public void Table_is_well_formed()
    {
        var entries = SectionTable.Entries;
        Assert.True(entries.Count >= 100, $"only {entries.Count} entries");
        Assert.Equal(entries.Count, entries.Select(e => e.Pattern).Distinct().Count());
        foreach (var e in entries)
        {
            Assert.True(Enum.IsDefined(e.ProgramType), e.Pattern);
            Assert.False(e.Name.EndsWith('/') || e.Name.EndsWith('+'), e.Pattern);
            Assert.Equal(e.Name.Contains(".s", StringComparison.Ordinal) && !e.Name.Contains(".session", StringComparison.Ordinal)
                || e.Name.EndsWith(".session.s", StringComparison.Ordinal) || e.Name == "syscall", e.Sleepable);
            // Each non-legacy name resolves to its own entry: no entry is shadowed by an earlier one.
            if (!e.LegacyOnly && e.Match != SectionMatch.Target)
                Assert.Same(e, SectionTable.Resolve(e.Name).Entry);
        }
    }

    [Fact]
    public void Closest_names_respects_count()
    {
        Assert.Single(SectionTable.ClosestNames("xdpp", 1));
        Assert.Empty(SectionTable.ClosestNames("xdpp", 0));
        Assert.Equal("cgroup/connect4", SectionTable.ClosestNames("cgroup/conect4").First());
    }
}
