using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

public sealed class SectionNameTests
{
    // libbpf 1.x's section_defs (libbpf.c): a '+' means "this prefix, then '/' and an attach target" (or the bare prefix).
    private static readonly string[] LibbpfSections =
    [
        "socket", "sk_reuseport/migrate", "sk_reuseport",
        "kprobe+", "uprobe+", "uprobe.s+", "kretprobe+", "uretprobe+", "uretprobe.s+", "kprobe.multi+", "kretprobe.multi+",
        "kprobe.session+", "uprobe.multi+", "uretprobe.multi+", "uprobe.session+", "uprobe.multi.s+", "uretprobe.multi.s+",
        "uprobe.session.s+", "ksyscall+", "kretsyscall+", "usdt+", "usdt.s+",
        "tc/ingress", "tc/egress", "tcx/ingress", "tcx/egress", "tc", "classifier", "action", "netkit/primary", "netkit/peer",
        "tracepoint+", "tp+", "tracepoint.s+", "tp.s+", "raw_tracepoint+", "raw_tp+", "raw_tracepoint.w+", "raw_tp.w+",
        "raw_tracepoint.s+", "raw_tp.s+", "tp_btf+", "tp_btf.s+", "fentry+", "fmod_ret+", "fexit+", "fentry.s+", "fmod_ret.s+",
        "fexit.s+", "freplace+", "lsm+", "lsm.s+", "lsm_cgroup+", "iter+", "iter.s+", "syscall",
        "xdp.frags/devmap", "xdp/devmap", "xdp.frags/cpumap", "xdp/cpumap", "xdp.frags", "xdp", "perf_event",
        "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "sockops", "sk_skb/stream_parser", "sk_skb/stream_verdict",
        "sk_skb/verdict", "sk_skb", "sk_msg", "lirc_mode2", "flow_dissector",
        "cgroup_skb/ingress", "cgroup_skb/egress", "cgroup/skb", "cgroup/sock_create", "cgroup/sock_release", "cgroup/sock",
        "cgroup/post_bind4", "cgroup/post_bind6", "cgroup/bind4", "cgroup/bind6", "cgroup/connect4", "cgroup/connect6",
        "cgroup/connect_unix", "cgroup/sendmsg4", "cgroup/sendmsg6", "cgroup/sendmsg_unix", "cgroup/recvmsg4", "cgroup/recvmsg6",
        "cgroup/recvmsg_unix", "cgroup/getpeername4", "cgroup/getpeername6", "cgroup/getpeername_unix", "cgroup/getsockname4",
        "cgroup/getsockname6", "cgroup/getsockname_unix", "cgroup/sysctl", "cgroup/getsockopt", "cgroup/setsockopt", "cgroup/dev",
        "struct_ops+", "struct_ops.s+", "sk_lookup", "netfilter",
    ];

    // Every attribute and each of its shapes, with the section libbpf expects.
    public static TheoryData<ProgramAttribute, string> Cases() => new()
    {
        { new CgroupSkbAttribute(), "cgroup/skb" },
        { new CgroupSkbAttribute(CgroupSkbDirection.Ingress), "cgroup_skb/ingress" },
        { new CgroupSkbAttribute(CgroupSkbDirection.Egress), "cgroup_skb/egress" },
        { new CgroupSockAttribute(), "cgroup/sock" },
        { new CgroupSockAttribute(CgroupSockHook.Create), "cgroup/sock_create" },
        { new CgroupSockAttribute(CgroupSockHook.Release), "cgroup/sock_release" },
        { new CgroupSockAttribute(CgroupSockHook.PostBind4), "cgroup/post_bind4" },
        { new CgroupSockAttribute(CgroupSockHook.PostBind6), "cgroup/post_bind6" },
        { new CgroupSockAddrAttribute(SockAddrHook.Bind4), "cgroup/bind4" },
        { new CgroupSockAddrAttribute(SockAddrHook.Bind6), "cgroup/bind6" },
        { new CgroupSockAddrAttribute(SockAddrHook.Connect4), "cgroup/connect4" },
        { new CgroupSockAddrAttribute(SockAddrHook.Connect6), "cgroup/connect6" },
        { new CgroupSockAddrAttribute(SockAddrHook.ConnectUnix), "cgroup/connect_unix" },
        { new CgroupSockAddrAttribute(SockAddrHook.SendMsg4), "cgroup/sendmsg4" },
        { new CgroupSockAddrAttribute(SockAddrHook.SendMsg6), "cgroup/sendmsg6" },
        { new CgroupSockAddrAttribute(SockAddrHook.SendMsgUnix), "cgroup/sendmsg_unix" },
        { new CgroupSockAddrAttribute(SockAddrHook.RecvMsg4), "cgroup/recvmsg4" },
        { new CgroupSockAddrAttribute(SockAddrHook.RecvMsg6), "cgroup/recvmsg6" },
        { new CgroupSockAddrAttribute(SockAddrHook.RecvMsgUnix), "cgroup/recvmsg_unix" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetPeerName4), "cgroup/getpeername4" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetPeerName6), "cgroup/getpeername6" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetPeerNameUnix), "cgroup/getpeername_unix" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetSockName4), "cgroup/getsockname4" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetSockName6), "cgroup/getsockname6" },
        { new CgroupSockAddrAttribute(SockAddrHook.GetSockNameUnix), "cgroup/getsockname_unix" },
        { new CgroupSockoptAttribute(SockoptHook.Get), "cgroup/getsockopt" },
        { new CgroupSockoptAttribute(SockoptHook.Set), "cgroup/setsockopt" },
        { new CgroupSysctlAttribute(), "cgroup/sysctl" },
        { new CgroupDeviceAttribute(), "cgroup/dev" },
        { new SockOpsAttribute(), "sockops" },
        { new XdpAttribute(), "xdp" },
        { new XdpAttribute { Frags = true }, "xdp.frags" },
        { new XdpAttribute(XdpAttachPoint.Devmap), "xdp/devmap" },
        { new XdpAttribute(XdpAttachPoint.Cpumap), "xdp/cpumap" },
        { new XdpAttribute(XdpAttachPoint.Devmap) { Frags = true }, "xdp.frags/devmap" },
        { new XdpAttribute(XdpAttachPoint.Cpumap) { Frags = true }, "xdp.frags/cpumap" },
        { new SocketFilterAttribute(), "socket" },
        { new TcClassifierAttribute(), "tc" },
        { new TcClassifierAttribute(TrafficDirection.Ingress), "tc/ingress" },
        { new TcClassifierAttribute(TrafficDirection.Egress), "tc/egress" },
        { new TcxAttribute(TrafficDirection.Ingress), "tcx/ingress" },
        { new TcxAttribute(TrafficDirection.Egress), "tcx/egress" },
        { new NetkitAttribute(NetkitSide.Primary), "netkit/primary" },
        { new NetkitAttribute(NetkitSide.Peer), "netkit/peer" },
        { new SkSkbAttribute(), "sk_skb" },
        { new SkSkbAttribute(SkSkbKind.StreamParser), "sk_skb/stream_parser" },
        { new SkSkbAttribute(SkSkbKind.StreamVerdict), "sk_skb/stream_verdict" },
        { new SkSkbAttribute(SkSkbKind.Verdict), "sk_skb/verdict" },
        { new SkMsgAttribute(), "sk_msg" },
        { new SkLookupAttribute(), "sk_lookup" },
        { new SkReuseportAttribute(), "sk_reuseport" },
        { new SkReuseportAttribute { Migrate = true }, "sk_reuseport/migrate" },
        { new FlowDissectorAttribute(), "flow_dissector" },
        { new LwtAttribute(LwtHook.In), "lwt_in" },
        { new LwtAttribute(LwtHook.Out), "lwt_out" },
        { new LwtAttribute(LwtHook.Xmit), "lwt_xmit" },
        { new LwtAttribute(LwtHook.Seg6Local), "lwt_seg6local" },
        { new NetfilterAttribute(), "netfilter" },
        { new LircMode2Attribute(), "lirc_mode2" },
        { new TracePointAttribute("sched", "sched_switch"), "tracepoint/sched/sched_switch" },
        { new TracePointAttribute("syscalls", "sys_enter_openat") { Sleepable = true }, "tracepoint.s/syscalls/sys_enter_openat" },
        { new RawTracePointAttribute("sched_switch"), "raw_tracepoint/sched_switch" },
        { new RawTracePointAttribute("bpf_test_finish") { Writable = true }, "raw_tracepoint.w/bpf_test_finish" },
        { new RawTracePointAttribute("sys_enter") { Sleepable = true }, "raw_tracepoint.s/sys_enter" },
        { new TpBtfAttribute("sched_switch"), "tp_btf/sched_switch" },
        { new TpBtfAttribute("sys_enter") { Sleepable = true }, "tp_btf.s/sys_enter" },
        { new FEntryAttribute("do_unlinkat"), "fentry/do_unlinkat" },
        { new FEntryAttribute("do_unlinkat") { Sleepable = true }, "fentry.s/do_unlinkat" },
        { new FExitAttribute("do_unlinkat"), "fexit/do_unlinkat" },
        { new FExitAttribute("vfs_read") { Sleepable = true }, "fexit.s/vfs_read" },
        { new FModRetAttribute("bpf_modify_return_test"), "fmod_ret/bpf_modify_return_test" },
        { new FModRetAttribute("bpf_modify_return_test") { Sleepable = true }, "fmod_ret.s/bpf_modify_return_test" },
        { new FReplaceAttribute("handler"), "freplace/handler" },
        { new LsmAttribute("file_open"), "lsm/file_open" },
        { new LsmAttribute("bprm_committed_creds") { Sleepable = true }, "lsm.s/bprm_committed_creds" },
        { new LsmCgroupAttribute("socket_bind"), "lsm_cgroup/socket_bind" },
        { new IterAttribute("task"), "iter/task" },
        { new IterAttribute("task_file") { Sleepable = true }, "iter.s/task_file" },
        { new KProbeAttribute(), "kprobe" },
        { new KProbeAttribute("do_sys_openat2"), "kprobe/do_sys_openat2" },
        { new KProbeAttribute("tcp_v4_connect", 16), "kprobe/tcp_v4_connect+16" },
        { new KRetProbeAttribute(), "kretprobe" },
        { new KRetProbeAttribute("do_sys_openat2"), "kretprobe/do_sys_openat2" },
        { new KProbeMultiAttribute("tcp_*"), "kprobe.multi/tcp_*" },
        { new KProbeMultiAttribute("vfs_?ead") { Return = true }, "kretprobe.multi/vfs_?ead" },
        { new KSyscallAttribute("openat"), "ksyscall/openat" },
        { new KSyscallAttribute("openat") { Return = true }, "kretsyscall/openat" },
        { new UProbeAttribute(), "uprobe" },
        { new UProbeAttribute("/usr/lib/libc.so.6", "malloc"), "uprobe//usr/lib/libc.so.6:malloc" },
        { new UProbeAttribute("/bin/bash", "readline", 8) { Sleepable = true }, "uprobe.s//bin/bash:readline+8" },
        { new URetProbeAttribute(), "uretprobe" },
        { new URetProbeAttribute("/bin/bash", "readline"), "uretprobe//bin/bash:readline" },
        { new URetProbeAttribute("/bin/bash", "readline") { Sleepable = true }, "uretprobe.s//bin/bash:readline" },
        { new UsdtAttribute("/usr/lib/libc.so.6", "libc", "setjmp"), "usdt//usr/lib/libc.so.6:libc:setjmp" },
        { new UsdtAttribute("/usr/lib/libc.so.6", "libc", "setjmp") { Sleepable = true }, "usdt.s//usr/lib/libc.so.6:libc:setjmp" },
        { new PerfEventAttribute(), "perf_event" },
        { new SyscallAttribute(), "syscall" },
        { new StructOpsAttribute("init"), "struct_ops/init" },
        { new StructOpsAttribute("init") { Sleepable = true }, "struct_ops.s/init" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attribute_writes_the_libbpf_section(ProgramAttribute attribute, string expected)
    {
        Assert.Equal(expected, attribute.Section);
        Assert.True(MatchesLibbpf(attribute.Section), $"\"{attribute.Section}\" matches no libbpf section definition");
    }

    [Fact]
    public void Every_program_attribute_is_in_the_cases()
    {
        var covered = Cases().Select(row => row[0].GetType()).ToHashSet();
        var all = typeof(ProgramAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(ProgramAttribute)) && !t.IsAbstract).ToArray();
        Assert.Empty(all.Where(t => !covered.Contains(t)).Select(t => t.Name));
        Assert.True(all.Length >= 40, $"only {all.Length} program attributes");
    }

    [Fact]
    public void Every_libbpf_section_except_legacy_aliases_is_reachable()
    {
        // Aliases the library deliberately does not write: "tp"/"raw_tp" spellings, the deprecated "classifier"/"action",
        // and the multi-uprobe/session kinds, which need a runtime attach API first.
        string[] notWritten = ["tp+", "tp.s+", "raw_tp+", "raw_tp.w+", "raw_tp.s+", "classifier", "action", "kprobe.session+",
            "uprobe.multi+", "uretprobe.multi+", "uprobe.session+", "uprobe.multi.s+", "uretprobe.multi.s+", "uprobe.session.s+"];
        var written = Cases().Select(row => ((ProgramAttribute)row[0]).Section).ToArray();
        var missing = LibbpfSections.Except(notWritten)
            .Where(def => !written.Any(s => Matches(def, s))).ToArray();
        Assert.Empty(missing);
    }

    [Fact]
    public void Attributes_on_methods_are_read_back_by_reflection_as_the_compiler_does()
    {
        var egress = typeof(Firewall).GetMethod(nameof(Firewall.Egress))!;
        var either = typeof(Firewall).GetMethod(nameof(Firewall.Either))!;
        Assert.Equal("cgroup_skb/egress", egress.GetCustomAttributes(typeof(ProgramAttribute), false).Cast<ProgramAttribute>().Single().Section);
        Assert.Equal("cgroup/skb", either.GetCustomAttributes(typeof(ProgramAttribute), false).Cast<ProgramAttribute>().Single().Section);
        Assert.Equal(typeof(SkBuffContext), new CgroupSkbAttribute().ContextType);
        Assert.Equal("GPL", ((LicenseAttribute)typeof(Firewall).GetCustomAttributes(typeof(LicenseAttribute), false).Single()).Name);
        Assert.True(new LicenseAttribute("Dual BSD/GPL").IsGplCompatible);
        Assert.False(new LicenseAttribute("MIT").IsGplCompatible);
    }

    private static bool MatchesLibbpf(string section) => LibbpfSections.Any(def => Matches(def, section));

    private static bool Matches(string def, string section)
    {
        if (!def.EndsWith('+')) return section == def;
        string prefix = def[..^1];
        return section == prefix || (section.StartsWith(prefix + "/", StringComparison.Ordinal) && section.Length > prefix.Length + 1);
    }
}
