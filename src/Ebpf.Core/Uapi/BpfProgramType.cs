namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_prog_type</c>, values as in the UAPI.</summary>
public enum BpfProgramType
{
    Unspec = 0,  // BPF_PROG_TYPE_UNSPEC
    SocketFilter = 1,  // BPF_PROG_TYPE_SOCKET_FILTER
    Kprobe = 2,  // BPF_PROG_TYPE_KPROBE
    SchedCls = 3,  // BPF_PROG_TYPE_SCHED_CLS
    SchedAct = 4,  // BPF_PROG_TYPE_SCHED_ACT
    Tracepoint = 5,  // BPF_PROG_TYPE_TRACEPOINT
    Xdp = 6,  // BPF_PROG_TYPE_XDP
    PerfEvent = 7,  // BPF_PROG_TYPE_PERF_EVENT
    CgroupSkb = 8,  // BPF_PROG_TYPE_CGROUP_SKB
    CgroupSock = 9,  // BPF_PROG_TYPE_CGROUP_SOCK
    LwtIn = 10,  // BPF_PROG_TYPE_LWT_IN
    LwtOut = 11,  // BPF_PROG_TYPE_LWT_OUT
    LwtXmit = 12,  // BPF_PROG_TYPE_LWT_XMIT
    SockOps = 13,  // BPF_PROG_TYPE_SOCK_OPS
    SkSkb = 14,  // BPF_PROG_TYPE_SK_SKB
    CgroupDevice = 15,  // BPF_PROG_TYPE_CGROUP_DEVICE
    SkMsg = 16,  // BPF_PROG_TYPE_SK_MSG
    RawTracepoint = 17,  // BPF_PROG_TYPE_RAW_TRACEPOINT
    CgroupSockAddr = 18,  // BPF_PROG_TYPE_CGROUP_SOCK_ADDR
    LwtSeg6local = 19,  // BPF_PROG_TYPE_LWT_SEG6LOCAL
    LircMode2 = 20,  // BPF_PROG_TYPE_LIRC_MODE2
    SkReuseport = 21,  // BPF_PROG_TYPE_SK_REUSEPORT
    FlowDissector = 22,  // BPF_PROG_TYPE_FLOW_DISSECTOR
    CgroupSysctl = 23,  // BPF_PROG_TYPE_CGROUP_SYSCTL
    RawTracepointWritable = 24,  // BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
    CgroupSockopt = 25,  // BPF_PROG_TYPE_CGROUP_SOCKOPT
    Tracing = 26,  // BPF_PROG_TYPE_TRACING
    StructOps = 27,  // BPF_PROG_TYPE_STRUCT_OPS
    Ext = 28,  // BPF_PROG_TYPE_EXT
    Lsm = 29,  // BPF_PROG_TYPE_LSM
    SkLookup = 30,  // BPF_PROG_TYPE_SK_LOOKUP
    Syscall = 31,  // BPF_PROG_TYPE_SYSCALL
    Netfilter = 32,  // BPF_PROG_TYPE_NETFILTER
}
