namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_attach_type</c>, values as in the UAPI.</summary>
public enum BpfAttachType
{
    /// <summary><c>BPF_CGROUP_INET_INGRESS</c>: Packets received by sockets of a cgroup.</summary>
    CgroupInetIngress = 0,
    /// <summary><c>BPF_CGROUP_INET_EGRESS</c>: Packets sent by sockets of a cgroup.</summary>
    CgroupInetEgress = 1,
    /// <summary><c>BPF_CGROUP_INET_SOCK_CREATE</c>: Creation of an inet socket in a cgroup.</summary>
    CgroupInetSockCreate = 2,
    /// <summary><c>BPF_CGROUP_SOCK_OPS</c>: TCP socket operations in a cgroup.</summary>
    CgroupSockOps = 3,
    /// <summary><c>BPF_SK_SKB_STREAM_PARSER</c>: Stream parser of a sockmap.</summary>
    SkSkbStreamParser = 4,
    /// <summary><c>BPF_SK_SKB_STREAM_VERDICT</c>: Stream verdict of a sockmap.</summary>
    SkSkbStreamVerdict = 5,
    /// <summary><c>BPF_CGROUP_DEVICE</c>: Device access in a cgroup.</summary>
    CgroupDevice = 6,
    /// <summary><c>BPF_SK_MSG_VERDICT</c>: <c>sendmsg</c> verdict of a sockmap.</summary>
    SkMsgVerdict = 7,
    /// <summary><c>BPF_CGROUP_INET4_BIND</c>: IPv4 <c>bind</c> in a cgroup.</summary>
    CgroupInet4Bind = 8,
    /// <summary><c>BPF_CGROUP_INET6_BIND</c>: IPv6 <c>bind</c> in a cgroup.</summary>
    CgroupInet6Bind = 9,
    /// <summary><c>BPF_CGROUP_INET4_CONNECT</c>: IPv4 <c>connect</c> in a cgroup.</summary>
    CgroupInet4Connect = 10,
    /// <summary><c>BPF_CGROUP_INET6_CONNECT</c>: IPv6 <c>connect</c> in a cgroup.</summary>
    CgroupInet6Connect = 11,
    /// <summary><c>BPF_CGROUP_INET4_POST_BIND</c>: After an IPv4 <c>bind</c> in a cgroup.</summary>
    CgroupInet4PostBind = 12,
    /// <summary><c>BPF_CGROUP_INET6_POST_BIND</c>: After an IPv6 <c>bind</c> in a cgroup.</summary>
    CgroupInet6PostBind = 13,
    /// <summary><c>BPF_CGROUP_UDP4_SENDMSG</c>: UDPv4 <c>sendmsg</c> in a cgroup.</summary>
    CgroupUdp4Sendmsg = 14,
    /// <summary><c>BPF_CGROUP_UDP6_SENDMSG</c>: UDPv6 <c>sendmsg</c> in a cgroup.</summary>
    CgroupUdp6Sendmsg = 15,
    /// <summary><c>BPF_LIRC_MODE2</c>: Infrared (LIRC) device.</summary>
    LircMode2 = 16,
    /// <summary><c>BPF_FLOW_DISSECTOR</c>: Flow dissector of a network namespace.</summary>
    FlowDissector = 17,
    /// <summary><c>BPF_CGROUP_SYSCTL</c>: Sysctl access in a cgroup.</summary>
    CgroupSysctl = 18,
    /// <summary><c>BPF_CGROUP_UDP4_RECVMSG</c>: UDPv4 <c>recvmsg</c> in a cgroup.</summary>
    CgroupUdp4Recvmsg = 19,
    /// <summary><c>BPF_CGROUP_UDP6_RECVMSG</c>: UDPv6 <c>recvmsg</c> in a cgroup.</summary>
    CgroupUdp6Recvmsg = 20,
    /// <summary><c>BPF_CGROUP_GETSOCKOPT</c>: <c>getsockopt</c> in a cgroup.</summary>
    CgroupGetsockopt = 21,
    /// <summary><c>BPF_CGROUP_SETSOCKOPT</c>: <c>setsockopt</c> in a cgroup.</summary>
    CgroupSetsockopt = 22,
    /// <summary><c>BPF_TRACE_RAW_TP</c>: BTF-typed raw tracepoint (tp_btf).</summary>
    TraceRawTp = 23,
    /// <summary><c>BPF_TRACE_FENTRY</c>: Entry of a kernel or BPF function (fentry).</summary>
    TraceFentry = 24,
    /// <summary><c>BPF_TRACE_FEXIT</c>: Exit of a kernel or BPF function (fexit).</summary>
    TraceFexit = 25,
    /// <summary><c>BPF_MODIFY_RETURN</c>: Return value override of a kernel function (fmod_ret).</summary>
    ModifyReturn = 26,
    /// <summary><c>BPF_LSM_MAC</c>: LSM hook, system-wide.</summary>
    LsmMac = 27,
    /// <summary><c>BPF_TRACE_ITER</c>: BPF iterator.</summary>
    TraceIter = 28,
    /// <summary><c>BPF_CGROUP_INET4_GETPEERNAME</c>: IPv4 <c>getpeername</c> in a cgroup.</summary>
    CgroupInet4Getpeername = 29,
    /// <summary><c>BPF_CGROUP_INET6_GETPEERNAME</c>: IPv6 <c>getpeername</c> in a cgroup.</summary>
    CgroupInet6Getpeername = 30,
    /// <summary><c>BPF_CGROUP_INET4_GETSOCKNAME</c>: IPv4 <c>getsockname</c> in a cgroup.</summary>
    CgroupInet4Getsockname = 31,
    /// <summary><c>BPF_CGROUP_INET6_GETSOCKNAME</c>: IPv6 <c>getsockname</c> in a cgroup.</summary>
    CgroupInet6Getsockname = 32,
    /// <summary><c>BPF_XDP_DEVMAP</c>: XDP program run on packets redirected through a devmap.</summary>
    XdpDevmap = 33,
    /// <summary><c>BPF_CGROUP_INET_SOCK_RELEASE</c>: Release of an inet socket in a cgroup.</summary>
    CgroupInetSockRelease = 34,
    /// <summary><c>BPF_XDP_CPUMAP</c>: XDP program run on packets redirected through a cpumap.</summary>
    XdpCpumap = 35,
    /// <summary><c>BPF_SK_LOOKUP</c>: Socket lookup in a network namespace.</summary>
    SkLookup = 36,
    /// <summary><c>BPF_XDP</c>: XDP on a network device (through a link).</summary>
    Xdp = 37,
    /// <summary><c>BPF_SK_SKB_VERDICT</c>: Verdict of a sockmap without a stream parser.</summary>
    SkSkbVerdict = 38,
    /// <summary><c>BPF_SK_REUSEPORT_SELECT</c>: Socket selection in a <c>SO_REUSEPORT</c> group.</summary>
    SkReuseportSelect = 39,
    /// <summary><c>BPF_SK_REUSEPORT_SELECT_OR_MIGRATE</c>: Socket selection or migration in a <c>SO_REUSEPORT</c> group.</summary>
    SkReuseportSelectOrMigrate = 40,
    /// <summary><c>BPF_PERF_EVENT</c>: Perf event (kprobe, uprobe, tracepoint) through a link.</summary>
    PerfEvent = 41,
    /// <summary><c>BPF_TRACE_KPROBE_MULTI</c>: Many kprobes at once (kprobe.multi).</summary>
    TraceKprobeMulti = 42,
    /// <summary><c>BPF_LSM_CGROUP</c>: LSM hook, per cgroup.</summary>
    LsmCgroup = 43,
    /// <summary><c>BPF_STRUCT_OPS</c>: Member of a struct_ops.</summary>
    StructOps = 44,
    /// <summary><c>BPF_NETFILTER</c>: Netfilter hook.</summary>
    Netfilter = 45,
    /// <summary><c>BPF_TCX_INGRESS</c>: tcx ingress of a network device.</summary>
    TcxIngress = 46,
    /// <summary><c>BPF_TCX_EGRESS</c>: tcx egress of a network device.</summary>
    TcxEgress = 47,
    /// <summary><c>BPF_TRACE_UPROBE_MULTI</c>: Many uprobes at once (uprobe.multi).</summary>
    TraceUprobeMulti = 48,
    /// <summary><c>BPF_CGROUP_UNIX_CONNECT</c>: Unix socket <c>connect</c> in a cgroup.</summary>
    CgroupUnixConnect = 49,
    /// <summary><c>BPF_CGROUP_UNIX_SENDMSG</c>: Unix socket <c>sendmsg</c> in a cgroup.</summary>
    CgroupUnixSendmsg = 50,
    /// <summary><c>BPF_CGROUP_UNIX_RECVMSG</c>: Unix socket <c>recvmsg</c> in a cgroup.</summary>
    CgroupUnixRecvmsg = 51,
    /// <summary><c>BPF_CGROUP_UNIX_GETPEERNAME</c>: Unix socket <c>getpeername</c> in a cgroup.</summary>
    CgroupUnixGetpeername = 52,
    /// <summary><c>BPF_CGROUP_UNIX_GETSOCKNAME</c>: Unix socket <c>getsockname</c> in a cgroup.</summary>
    CgroupUnixGetsockname = 53,
    /// <summary><c>BPF_NETKIT_PRIMARY</c>: Primary device of a netkit pair.</summary>
    NetkitPrimary = 54,
    /// <summary><c>BPF_NETKIT_PEER</c>: Peer device of a netkit pair.</summary>
    NetkitPeer = 55,
    /// <summary><c>BPF_TRACE_KPROBE_SESSION</c>: Kprobe on both entry and return of a function (kprobe.session).</summary>
    TraceKprobeSession = 56,
    /// <summary><c>BPF_TRACE_UPROBE_SESSION</c>: Uprobe on both entry and return of a function (uprobe.session).</summary>
    TraceUprobeSession = 57,
}
