using static Ebpf.Object.Sections.SectionFlags;
using P = Ebpf.BpfProgramType;
using A = Ebpf.BpfAttachType;
using K = Ebpf.Object.Sections.SectionTargetKind;

namespace Ebpf.Object.Sections;

/// <summary>
/// The table itself, written from libbpf 1.x's documented semantics (Documentation/bpf/libbpf/program_types.rst)
/// and checked against Aya's parser. Order matters as in libbpf: the first entry that matches wins.
/// Not included: fsession, fentry.multi and friends, whose attach types are newer than <see cref="BpfAttachType"/>.
/// </summary>
internal static class SectionEntries
{
    private const SectionFlags AttachableOpt = Attachable | ExpectedAttachTypeOptional;
    private const SectionFlags Btf = AttachBtf;

    public static readonly SectionEntry[] All =
    [
        Exact("socket", P.SocketFilter, null, SloppyPrefix),
        Exact("sk_reuseport/migrate", P.SkReuseport, A.SkReuseportSelectOrMigrate, Attachable | SloppyPrefix) with { AttachType = null },
        Exact("sk_reuseport", P.SkReuseport, A.SkReuseportSelect, Attachable | SloppyPrefix) with { AttachType = null },

        // Probes attach through perf_event_open and a BPF_PERF_EVENT link; the target says where.
        Probe("kprobe", null, None, K.KernelFunction),
        Probe("uprobe", null, None, K.UserFunction),
        Probe("uprobe.s", null, Sleepable, K.UserFunction),
        Probe("kretprobe", null, None, K.KernelFunction),
        Probe("uretprobe", null, None, K.UserFunction),
        Probe("uretprobe.s", null, Sleepable, K.UserFunction),
        Probe("kprobe.multi", A.TraceKprobeMulti, None, K.KernelFunctionPattern),
        Probe("kretprobe.multi", A.TraceKprobeMulti, None, K.KernelFunctionPattern),
        Probe("kprobe.session", A.TraceKprobeSession, None, K.KernelFunctionPattern),
        Probe("uprobe.multi", A.TraceUprobeMulti, None, K.UserFunctionPattern),
        Probe("uretprobe.multi", A.TraceUprobeMulti, None, K.UserFunctionPattern),
        Probe("uprobe.session", A.TraceUprobeSession, None, K.UserFunctionPattern),
        Probe("uprobe.multi.s", A.TraceUprobeMulti, Sleepable, K.UserFunctionPattern),
        Probe("uretprobe.multi.s", A.TraceUprobeMulti, Sleepable, K.UserFunctionPattern),
        Probe("uprobe.session.s", A.TraceUprobeSession, Sleepable, K.UserFunctionPattern),
        Probe("ksyscall", null, None, K.Syscall),
        Probe("kretsyscall", null, None, K.Syscall),
        // USDT: the attach type depends on the kernel (uprobe-multi link where it exists, perf events before).
        Probe("usdt", null, Usdt, K.Usdt) with { AttachType = null },
        Probe("usdt.s", null, Usdt | Sleepable, K.Usdt) with { AttachType = null },

        // tc/ingress and tc/egress are libbpf 1.3+ aliases of tcx; bare tc/classifier/action attach through netlink.
        Exact("tc/ingress", P.SchedCls, A.TcxIngress),
        Exact("tc/egress", P.SchedCls, A.TcxEgress),
        Exact("tcx/ingress", P.SchedCls, A.TcxIngress),
        Exact("tcx/egress", P.SchedCls, A.TcxEgress),
        Exact("tc", P.SchedCls, null, Deprecated),
        Exact("classifier", P.SchedCls, null, Deprecated | SloppyPrefix),
        Exact("action", P.SchedAct, null, Deprecated | SloppyPrefix),
        Exact("netkit/primary", P.SchedCls, A.NetkitPrimary),
        Exact("netkit/peer", P.SchedCls, A.NetkitPeer),

        Probe("tracepoint", null, None, K.Tracepoint, P.Tracepoint),
        Probe("tp", null, None, K.Tracepoint, P.Tracepoint),
        Probe("tracepoint.s", null, Sleepable, K.Tracepoint, P.Tracepoint),
        Probe("tp.s", null, Sleepable, K.Tracepoint, P.Tracepoint),
        // Raw tracepoints attach by name through BPF_RAW_TRACEPOINT_OPEN: no attach type.
        Probe("raw_tracepoint", null, None, K.RawTracepoint, P.RawTracepoint) with { AttachType = null },
        Probe("raw_tp", null, None, K.RawTracepoint, P.RawTracepoint) with { AttachType = null },
        Probe("raw_tracepoint.s", null, Sleepable, K.RawTracepoint, P.RawTracepoint) with { AttachType = null },
        Probe("raw_tp.s", null, Sleepable, K.RawTracepoint, P.RawTracepoint) with { AttachType = null },
        Probe("raw_tracepoint.w", null, None, K.RawTracepoint, P.RawTracepointWritable) with { AttachType = null },
        Probe("raw_tp.w", null, None, K.RawTracepoint, P.RawTracepointWritable) with { AttachType = null },

        // BTF-attached: the target is resolved to a BTF id at load, so it is required (from the section or set later).
        BtfTarget("tp_btf", P.Tracing, A.TraceRawTp, None, K.BtfTracepoint),
        BtfTarget("tp_btf.s", P.Tracing, A.TraceRawTp, Sleepable, K.BtfTracepoint),
        BtfTarget("fentry", P.Tracing, A.TraceFentry, None, K.BtfFunction),
        BtfTarget("fmod_ret", P.Tracing, A.ModifyReturn, None, K.BtfFunction),
        BtfTarget("fexit", P.Tracing, A.TraceFexit, None, K.BtfFunction),
        BtfTarget("fentry.s", P.Tracing, A.TraceFentry, Sleepable, K.BtfFunction),
        BtfTarget("fmod_ret.s", P.Tracing, A.ModifyReturn, Sleepable, K.BtfFunction),
        BtfTarget("fexit.s", P.Tracing, A.TraceFexit, Sleepable, K.BtfFunction),
        BtfTarget("freplace", P.Ext, null, None, K.ProgramFunction),
        BtfTarget("lsm", P.Lsm, A.LsmMac, None, K.LsmHook),
        BtfTarget("lsm.s", P.Lsm, A.LsmMac, Sleepable, K.LsmHook),
        // lsm_cgroup needs a cgroup to attach to, so the section alone cannot attach it.
        BtfTarget("lsm_cgroup", P.Lsm, A.LsmCgroup, None, K.LsmHook) with { AutoAttachable = false },
        BtfTarget("iter", P.Tracing, A.TraceIter, None, K.Iterator),
        BtfTarget("iter.s", P.Tracing, A.TraceIter, Sleepable, K.Iterator),
        Exact("syscall", P.Syscall, null, Sleepable),

        // devmap/cpumap programs run from a map entry: they are loaded with the type but never attached with it.
        Exact("xdp.frags/devmap", P.Xdp, A.XdpDevmap, XdpFrags) with { AttachType = null },
        Exact("xdp/devmap", P.Xdp, A.XdpDevmap, Attachable) with { AttachType = null },
        Exact("xdp.frags/cpumap", P.Xdp, A.XdpCpumap, XdpFrags) with { AttachType = null },
        Exact("xdp/cpumap", P.Xdp, A.XdpCpumap, Attachable) with { AttachType = null },
        Exact("xdp.frags", P.Xdp, A.Xdp, XdpFrags),
        Exact("xdp", P.Xdp, A.Xdp, AttachableOpt | SloppyPrefix),
        Exact("perf_event", P.PerfEvent, null, SloppyPrefix) with { AttachType = A.PerfEvent },
        Exact("lwt_in", P.LwtIn, null, SloppyPrefix),
        Exact("lwt_out", P.LwtOut, null, SloppyPrefix),
        Exact("lwt_xmit", P.LwtXmit, null, SloppyPrefix),
        Exact("lwt_seg6local", P.LwtSeg6local, null, SloppyPrefix),
        Exact("sockops", P.SockOps, A.CgroupSockOps, AttachableOpt | SloppyPrefix),
        Exact("sk_skb/stream_parser", P.SkSkb, A.SkSkbStreamParser, AttachableOpt | SloppyPrefix),
        Exact("sk_skb/stream_verdict", P.SkSkb, A.SkSkbStreamVerdict, AttachableOpt | SloppyPrefix),
        Exact("sk_skb/verdict", P.SkSkb, A.SkSkbVerdict, AttachableOpt),
        Exact("sk_skb", P.SkSkb, null, SloppyPrefix),
        Exact("sk_msg", P.SkMsg, A.SkMsgVerdict, AttachableOpt | SloppyPrefix),
        Exact("lirc_mode2", P.LircMode2, A.LircMode2, AttachableOpt | SloppyPrefix),
        Exact("flow_dissector", P.FlowDissector, A.FlowDissector, AttachableOpt | SloppyPrefix),

        Exact("cgroup_skb/ingress", P.CgroupSkb, A.CgroupInetIngress, AttachableOpt | SloppyPrefix),
        Exact("cgroup_skb/egress", P.CgroupSkb, A.CgroupInetEgress, AttachableOpt | SloppyPrefix),
        // Loaded without an expected attach type: the direction is chosen when attaching.
        Exact("cgroup/skb", P.CgroupSkb, null, SloppyPrefix),
        Exact("cgroup/sock_create", P.CgroupSock, A.CgroupInetSockCreate, Attachable | SloppyPrefix),
        Exact("cgroup/sock_release", P.CgroupSock, A.CgroupInetSockRelease, Attachable | SloppyPrefix),
        Exact("cgroup/sock", P.CgroupSock, A.CgroupInetSockCreate, AttachableOpt | SloppyPrefix),
        Exact("cgroup/post_bind4", P.CgroupSock, A.CgroupInet4PostBind, Attachable | SloppyPrefix),
        Exact("cgroup/post_bind6", P.CgroupSock, A.CgroupInet6PostBind, Attachable | SloppyPrefix),
        Exact("cgroup/bind4", P.CgroupSockAddr, A.CgroupInet4Bind, Attachable | SloppyPrefix),
        Exact("cgroup/bind6", P.CgroupSockAddr, A.CgroupInet6Bind, Attachable | SloppyPrefix),
        Exact("cgroup/connect4", P.CgroupSockAddr, A.CgroupInet4Connect, Attachable | SloppyPrefix),
        Exact("cgroup/connect6", P.CgroupSockAddr, A.CgroupInet6Connect, Attachable | SloppyPrefix),
        Exact("cgroup/connect_unix", P.CgroupSockAddr, A.CgroupUnixConnect, Attachable),
        Exact("cgroup/sendmsg4", P.CgroupSockAddr, A.CgroupUdp4Sendmsg, Attachable | SloppyPrefix),
        Exact("cgroup/sendmsg6", P.CgroupSockAddr, A.CgroupUdp6Sendmsg, Attachable | SloppyPrefix),
        Exact("cgroup/sendmsg_unix", P.CgroupSockAddr, A.CgroupUnixSendmsg, Attachable),
        Exact("cgroup/recvmsg4", P.CgroupSockAddr, A.CgroupUdp4Recvmsg, Attachable | SloppyPrefix),
        Exact("cgroup/recvmsg6", P.CgroupSockAddr, A.CgroupUdp6Recvmsg, Attachable | SloppyPrefix),
        Exact("cgroup/recvmsg_unix", P.CgroupSockAddr, A.CgroupUnixRecvmsg, Attachable),
        Exact("cgroup/getpeername4", P.CgroupSockAddr, A.CgroupInet4Getpeername, Attachable | SloppyPrefix),
        Exact("cgroup/getpeername6", P.CgroupSockAddr, A.CgroupInet6Getpeername, Attachable | SloppyPrefix),
        Exact("cgroup/getpeername_unix", P.CgroupSockAddr, A.CgroupUnixGetpeername, Attachable),
        Exact("cgroup/getsockname4", P.CgroupSockAddr, A.CgroupInet4Getsockname, Attachable | SloppyPrefix),
        Exact("cgroup/getsockname6", P.CgroupSockAddr, A.CgroupInet6Getsockname, Attachable | SloppyPrefix),
        Exact("cgroup/getsockname_unix", P.CgroupSockAddr, A.CgroupUnixGetsockname, Attachable),
        Exact("cgroup/sysctl", P.CgroupSysctl, A.CgroupSysctl, Attachable | SloppyPrefix),
        Exact("cgroup/getsockopt", P.CgroupSockopt, A.CgroupGetsockopt, Attachable | SloppyPrefix),
        Exact("cgroup/setsockopt", P.CgroupSockopt, A.CgroupSetsockopt, Attachable | SloppyPrefix),
        Exact("cgroup/dev", P.CgroupDevice, A.CgroupDevice, AttachableOpt | SloppyPrefix),

        // struct_ops programs are bound through a .struct_ops map, never attached one by one.
        new("struct_ops", SectionMatch.ExactOrTarget, P.StructOps, null, null, None, K.StructOpsMember, false),
        new("struct_ops.s", SectionMatch.ExactOrTarget, P.StructOps, null, null, Sleepable, K.StructOpsMember, false),
        Exact("sk_lookup", P.SkLookup, A.SkLookup, Attachable | SloppyPrefix),
        Exact("netfilter", P.Netfilter, A.Netfilter),

        // libbpf 0.x spellings removed in 1.0.
        new("xdp_devmap", SectionMatch.Target, P.Xdp, A.XdpDevmap, null, Attachable | LegacyOnly | Deprecated, K.None, false),
        new("xdp_cpumap", SectionMatch.Target, P.Xdp, A.XdpCpumap, null, Attachable | LegacyOnly | Deprecated, K.None, false),
    ];

    private static SectionEntry Exact(string name, P type, A? expected, SectionFlags flags = None) =>
        new(name, SectionMatch.Exact, type, expected, expected, flags, K.None, false);

    private static SectionEntry Probe(string name, A? expected, SectionFlags flags, K target, P type = P.Kprobe) =>
        new(name, SectionMatch.ExactOrTarget, type, expected, expected ?? A.PerfEvent, flags, target, true);

    private static SectionEntry BtfTarget(string name, P type, A? expected, SectionFlags flags, K target) =>
        new(name, SectionMatch.ExactOrTarget, type, expected, expected, flags | Btf, target, true);
}
