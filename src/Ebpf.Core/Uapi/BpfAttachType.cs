namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_attach_type</c>, values as in the UAPI.</summary>
public enum BpfAttachType
{
    CgroupInetIngress = 0,  // BPF_CGROUP_INET_INGRESS
    CgroupInetEgress = 1,  // BPF_CGROUP_INET_EGRESS
    CgroupInetSockCreate = 2,  // BPF_CGROUP_INET_SOCK_CREATE
    CgroupSockOps = 3,  // BPF_CGROUP_SOCK_OPS
    SkSkbStreamParser = 4,  // BPF_SK_SKB_STREAM_PARSER
    SkSkbStreamVerdict = 5,  // BPF_SK_SKB_STREAM_VERDICT
    CgroupDevice = 6,  // BPF_CGROUP_DEVICE
    SkMsgVerdict = 7,  // BPF_SK_MSG_VERDICT
    CgroupInet4Bind = 8,  // BPF_CGROUP_INET4_BIND
    CgroupInet6Bind = 9,  // BPF_CGROUP_INET6_BIND
    CgroupInet4Connect = 10,  // BPF_CGROUP_INET4_CONNECT
    CgroupInet6Connect = 11,  // BPF_CGROUP_INET6_CONNECT
    CgroupInet4PostBind = 12,  // BPF_CGROUP_INET4_POST_BIND
    CgroupInet6PostBind = 13,  // BPF_CGROUP_INET6_POST_BIND
    CgroupUdp4Sendmsg = 14,  // BPF_CGROUP_UDP4_SENDMSG
    CgroupUdp6Sendmsg = 15,  // BPF_CGROUP_UDP6_SENDMSG
    LircMode2 = 16,  // BPF_LIRC_MODE2
    FlowDissector = 17,  // BPF_FLOW_DISSECTOR
    CgroupSysctl = 18,  // BPF_CGROUP_SYSCTL
    CgroupUdp4Recvmsg = 19,  // BPF_CGROUP_UDP4_RECVMSG
    CgroupUdp6Recvmsg = 20,  // BPF_CGROUP_UDP6_RECVMSG
    CgroupGetsockopt = 21,  // BPF_CGROUP_GETSOCKOPT
    CgroupSetsockopt = 22,  // BPF_CGROUP_SETSOCKOPT
    TraceRawTp = 23,  // BPF_TRACE_RAW_TP
    TraceFentry = 24,  // BPF_TRACE_FENTRY
    TraceFexit = 25,  // BPF_TRACE_FEXIT
    ModifyReturn = 26,  // BPF_MODIFY_RETURN
    LsmMac = 27,  // BPF_LSM_MAC
    TraceIter = 28,  // BPF_TRACE_ITER
    CgroupInet4Getpeername = 29,  // BPF_CGROUP_INET4_GETPEERNAME
    CgroupInet6Getpeername = 30,  // BPF_CGROUP_INET6_GETPEERNAME
    CgroupInet4Getsockname = 31,  // BPF_CGROUP_INET4_GETSOCKNAME
    CgroupInet6Getsockname = 32,  // BPF_CGROUP_INET6_GETSOCKNAME
    XdpDevmap = 33,  // BPF_XDP_DEVMAP
    CgroupInetSockRelease = 34,  // BPF_CGROUP_INET_SOCK_RELEASE
    XdpCpumap = 35,  // BPF_XDP_CPUMAP
    SkLookup = 36,  // BPF_SK_LOOKUP
    Xdp = 37,  // BPF_XDP
    SkSkbVerdict = 38,  // BPF_SK_SKB_VERDICT
    SkReuseportSelect = 39,  // BPF_SK_REUSEPORT_SELECT
    SkReuseportSelectOrMigrate = 40,  // BPF_SK_REUSEPORT_SELECT_OR_MIGRATE
    PerfEvent = 41,  // BPF_PERF_EVENT
    TraceKprobeMulti = 42,  // BPF_TRACE_KPROBE_MULTI
    LsmCgroup = 43,  // BPF_LSM_CGROUP
    StructOps = 44,  // BPF_STRUCT_OPS
    Netfilter = 45,  // BPF_NETFILTER
    TcxIngress = 46,  // BPF_TCX_INGRESS
    TcxEgress = 47,  // BPF_TCX_EGRESS
    TraceUprobeMulti = 48,  // BPF_TRACE_UPROBE_MULTI
    CgroupUnixConnect = 49,  // BPF_CGROUP_UNIX_CONNECT
    CgroupUnixSendmsg = 50,  // BPF_CGROUP_UNIX_SENDMSG
    CgroupUnixRecvmsg = 51,  // BPF_CGROUP_UNIX_RECVMSG
    CgroupUnixGetpeername = 52,  // BPF_CGROUP_UNIX_GETPEERNAME
    CgroupUnixGetsockname = 53,  // BPF_CGROUP_UNIX_GETSOCKNAME
    NetkitPrimary = 54,  // BPF_NETKIT_PRIMARY
    NetkitPeer = 55,  // BPF_NETKIT_PEER
    TraceKprobeSession = 56,  // BPF_TRACE_KPROBE_SESSION
    TraceUprobeSession = 57,  // BPF_TRACE_UPROBE_SESSION
}
