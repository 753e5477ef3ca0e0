using Ebpf.Object.Sections;

namespace Ebpf.Object.Tests.Sections;

/// <summary>Every section name in tests/fixtures/sections.c resolves, to what libbpf's program_types.rst documents.</summary>
public class SectionTableFixtureTests
{
    // Section → program type → expected attach type, written from libbpf's Documentation/bpf/libbpf/program_types.rst
    // (null: the table's attach-type column is empty, so the program loads with expected_attach_type 0).
    public static TheoryData<string, BpfProgramType, BpfAttachType?> Documented => new()
    {
        { "xdp", BpfProgramType.Xdp, BpfAttachType.Xdp },
        { "xdp.frags", BpfProgramType.Xdp, BpfAttachType.Xdp },
        { "xdp/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap },
        { "xdp/cpumap", BpfProgramType.Xdp, BpfAttachType.XdpCpumap },
        { "xdp.frags/devmap", BpfProgramType.Xdp, BpfAttachType.XdpDevmap },
        { "tc", BpfProgramType.SchedCls, null },
        { "tc/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress },
        { "tc/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress },
        { "tcx/ingress", BpfProgramType.SchedCls, BpfAttachType.TcxIngress },
        { "tcx/egress", BpfProgramType.SchedCls, BpfAttachType.TcxEgress },
        { "classifier", BpfProgramType.SchedCls, null },
        { "action", BpfProgramType.SchedAct, null },
        { "netkit/primary", BpfProgramType.SchedCls, BpfAttachType.NetkitPrimary },
        { "netkit/peer", BpfProgramType.SchedCls, BpfAttachType.NetkitPeer },
        { "socket", BpfProgramType.SocketFilter, null },
        { "sk_skb/stream_parser", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamParser },
        { "sk_skb/stream_verdict", BpfProgramType.SkSkb, BpfAttachType.SkSkbStreamVerdict },
        { "sk_skb", BpfProgramType.SkSkb, null },
        { "sk_msg", BpfProgramType.SkMsg, BpfAttachType.SkMsgVerdict },
        { "sockops", BpfProgramType.SockOps, BpfAttachType.CgroupSockOps },
        { "sk_lookup", BpfProgramType.SkLookup, BpfAttachType.SkLookup },
        { "sk_reuseport", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelect },
        { "sk_reuseport/migrate", BpfProgramType.SkReuseport, BpfAttachType.SkReuseportSelectOrMigrate },
        { "flow_dissector", BpfProgramType.FlowDissector, BpfAttachType.FlowDissector },
        { "tracepoint/syscalls/sys_enter_openat", BpfProgramType.Tracepoint, null },
        { "tp/sched/sched_switch", BpfProgramType.Tracepoint, null },
        { "raw_tp/sched_switch", BpfProgramType.RawTracepoint, null },
        { "raw_tracepoint/sched_wakeup", BpfProgramType.RawTracepoint, null },
        { "raw_tp.w/sched_switch", BpfProgramType.RawTracepointWritable, null },
        { "tp_btf/sched_switch", BpfProgramType.Tracing, BpfAttachType.TraceRawTp },
        { "fentry/do_unlinkat", BpfProgramType.Tracing, BpfAttachType.TraceFentry },
        { "fexit/do_unlinkat", BpfProgramType.Tracing, BpfAttachType.TraceFexit },
        { "fmod_ret/security_file_open", BpfProgramType.Tracing, BpfAttachType.ModifyReturn },
        { "fentry.s/do_unlinkat", BpfProgramType.Tracing, BpfAttachType.TraceFentry },
        { "lsm/file_open", BpfProgramType.Lsm, BpfAttachType.LsmMac },
        { "lsm.s/file_open", BpfProgramType.Lsm, BpfAttachType.LsmMac },
        { "lsm_cgroup/socket_bind", BpfProgramType.Lsm, BpfAttachType.LsmCgroup },
        { "iter/task", BpfProgramType.Tracing, BpfAttachType.TraceIter },
        { "iter.s/task", BpfProgramType.Tracing, BpfAttachType.TraceIter },
        { "uprobe//usr/bin/true:main", BpfProgramType.Kprobe, null },
        { "uretprobe//usr/bin/true:main", BpfProgramType.Kprobe, null },
        { "uprobe.s//usr/bin/true:main", BpfProgramType.Kprobe, null },
        { "uprobe.multi//usr/bin/true:ma*", BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti },
        { "kprobe/do_unlinkat", BpfProgramType.Kprobe, null },
        { "kretprobe/do_unlinkat", BpfProgramType.Kprobe, null },
        { "kprobe.multi/do_*", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti },
        { "kprobe.session/do_*", BpfProgramType.Kprobe, BpfAttachType.TraceKprobeSession },
        { "ksyscall/openat", BpfProgramType.Kprobe, null },
        { "kretsyscall/openat", BpfProgramType.Kprobe, null },
        { "usdt/./a.out:prov:probe", BpfProgramType.Kprobe, null },
        { "perf_event", BpfProgramType.PerfEvent, null },
        { "lirc_mode2", BpfProgramType.LircMode2, BpfAttachType.LircMode2 },
        { "lwt_in", BpfProgramType.LwtIn, null },
        { "lwt_out", BpfProgramType.LwtOut, null },
        { "lwt_xmit", BpfProgramType.LwtXmit, null },
        { "lwt_seg6local", BpfProgramType.LwtSeg6local, null },
        { "cgroup_skb/ingress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetIngress },
        { "cgroup_skb/egress", BpfProgramType.CgroupSkb, BpfAttachType.CgroupInetEgress },
        { "cgroup/skb", BpfProgramType.CgroupSkb, null },
        { "cgroup/sock", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate },
        { "cgroup/sock_create", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockCreate },
        { "cgroup/sock_release", BpfProgramType.CgroupSock, BpfAttachType.CgroupInetSockRelease },
        { "cgroup/post_bind4", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet4PostBind },
        { "cgroup/post_bind6", BpfProgramType.CgroupSock, BpfAttachType.CgroupInet6PostBind },
        { "cgroup/bind4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Bind },
        { "cgroup/bind6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Bind },
        { "cgroup/connect4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Connect },
        { "cgroup/connect6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Connect },
        { "cgroup/connect_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixConnect },
        { "cgroup/sendmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Sendmsg },
        { "cgroup/sendmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Sendmsg },
        { "cgroup/sendmsg_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixSendmsg },
        { "cgroup/recvmsg4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp4Recvmsg },
        { "cgroup/recvmsg6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUdp6Recvmsg },
        { "cgroup/getpeername4", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet4Getpeername },
        { "cgroup/getsockname6", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupInet6Getsockname },
        { "cgroup/getsockname_unix", BpfProgramType.CgroupSockAddr, BpfAttachType.CgroupUnixGetsockname },
        { "cgroup/sysctl", BpfProgramType.CgroupSysctl, BpfAttachType.CgroupSysctl },
        { "cgroup/getsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupGetsockopt },
        { "cgroup/setsockopt", BpfProgramType.CgroupSockopt, BpfAttachType.CgroupSetsockopt },
        { "cgroup/dev", BpfProgramType.CgroupDevice, BpfAttachType.CgroupDevice },
        { "freplace/accept_all", BpfProgramType.Ext, null },
        { "syscall", BpfProgramType.Syscall, null },
        { "netfilter", BpfProgramType.Netfilter, BpfAttachType.Netfilter },
        { "struct_ops/dummy_test", BpfProgramType.StructOps, null },
        { "struct_ops.s", BpfProgramType.StructOps, null },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Resolves_as_documented_by_libbpf(string section, BpfProgramType type, BpfAttachType? expected)
    {
        var def = SectionTable.Resolve(section);
        Assert.Equal(type, def.ProgramType);
        Assert.Equal(expected, def.ExpectedAttachType);
        Assert.Equal(section, def.Section);
        Assert.False(def.LegacyMatch);
    }

    [Fact]
    public void Every_section_in_the_fixture_resolves()
    {
        var names = SectionSourceNames.Read("sections.c");
        Assert.True(names.Count >= 75, $"expected ~80 sections in sections.c, read {names.Count}");
        var failures = new List<string>();
        foreach (var (section, program) in names)
            if (!SectionTable.TryResolve(section, program, out _, out var error)) failures.Add(error!.Message);
        Assert.Empty(failures);
    }

    [Fact]
    public void The_documented_table_covers_most_of_the_fixture()
    {
        var documented = Documented.Select(row => (string)row[0]).ToHashSet();
        var fixture = SectionSourceNames.Read("sections.c").Select(n => n.Section).ToList();
        int covered = fixture.Count(documented.Contains);
        Assert.True(covered >= 40, $"only {covered} fixture sections are checked against the documented table");
        Assert.Equal(fixture.Count, fixture.Distinct().Count());
    }

    [Fact]
    public void Bad_fixtures_fail_with_the_program_named()
    {
        var bare = Assert.Single(SectionSourceNames.Read("bad/bare_cgroup_skb.c"));
        Assert.Equal(("cgroup_skb", "no_direction"), bare);
        var e = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(bare.Section, bare.Program));
        Assert.Equal(InvalidSectionNameReason.MissingCgroupSkbDirection, e.Reason);
        Assert.Contains("'no_direction'", e.Message);
        Assert.Equal("no_direction", e.ProgramName);

        foreach (var (section, program) in SectionSourceNames.Read("bad/misspelled.c"))
        {
            var error = Assert.Throws<InvalidSectionNameException>(() => SectionTable.Resolve(section, program));
            Assert.Contains($"'{program}'", error.Message);
            Assert.Contains($"\"{section}\"", error.Message);
        }
    }
}
