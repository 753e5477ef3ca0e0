namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_prog_type</c>, values as in the UAPI.</summary>
public enum BpfProgramType
{
    /// <summary><c>BPF_PROG_TYPE_UNSPEC</c>: No program type; invalid for loading.</summary>
    Unspec = 0,
    /// <summary><c>BPF_PROG_TYPE_SOCKET_FILTER</c>: Socket filter attached with <c>SO_ATTACH_BPF</c>.</summary>
    SocketFilter = 1,
    /// <summary><c>BPF_PROG_TYPE_KPROBE</c>: Kprobe, kretprobe, uprobe or uretprobe program.</summary>
    Kprobe = 2,
    /// <summary><c>BPF_PROG_TYPE_SCHED_CLS</c>: Traffic-control classifier (tc or tcx).</summary>
    SchedCls = 3,
    /// <summary><c>BPF_PROG_TYPE_SCHED_ACT</c>: Traffic-control action.</summary>
    SchedAct = 4,
    /// <summary><c>BPF_PROG_TYPE_TRACEPOINT</c>: Kernel tracepoint program.</summary>
    Tracepoint = 5,
    /// <summary><c>BPF_PROG_TYPE_XDP</c>: eXpress Data Path program, run on packets at the driver.</summary>
    Xdp = 6,
    /// <summary><c>BPF_PROG_TYPE_PERF_EVENT</c>: Program run on perf events (sampling, counters).</summary>
    PerfEvent = 7,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_SKB</c>: Cgroup ingress/egress packet filter.</summary>
    CgroupSkb = 8,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_SOCK</c>: Cgroup socket create/release/post-bind hook.</summary>
    CgroupSock = 9,
    /// <summary><c>BPF_PROG_TYPE_LWT_IN</c>: Lightweight tunnel input hook.</summary>
    LwtIn = 10,
    /// <summary><c>BPF_PROG_TYPE_LWT_OUT</c>: Lightweight tunnel output hook.</summary>
    LwtOut = 11,
    /// <summary><c>BPF_PROG_TYPE_LWT_XMIT</c>: Lightweight tunnel transmit hook.</summary>
    LwtXmit = 12,
    /// <summary><c>BPF_PROG_TYPE_SOCK_OPS</c>: TCP socket operations callback (cgroup).</summary>
    SockOps = 13,
    /// <summary><c>BPF_PROG_TYPE_SK_SKB</c>: Stream parser or verdict for a sockmap.</summary>
    SkSkb = 14,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_DEVICE</c>: Cgroup device access control.</summary>
    CgroupDevice = 15,
    /// <summary><c>BPF_PROG_TYPE_SK_MSG</c>: Verdict on <c>sendmsg</c> data for a sockmap.</summary>
    SkMsg = 16,
    /// <summary><c>BPF_PROG_TYPE_RAW_TRACEPOINT</c>: Raw tracepoint program, with the untranslated tracepoint arguments.</summary>
    RawTracepoint = 17,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_SOCK_ADDR</c>: Cgroup hook on bind/connect/sendmsg/recvmsg/getname addresses.</summary>
    CgroupSockAddr = 18,
    /// <summary><c>BPF_PROG_TYPE_LWT_SEG6LOCAL</c>: SRv6 <c>seg6local</c> lightweight tunnel action.</summary>
    LwtSeg6local = 19,
    /// <summary><c>BPF_PROG_TYPE_LIRC_MODE2</c>: Infrared (LIRC) decoder.</summary>
    LircMode2 = 20,
    /// <summary><c>BPF_PROG_TYPE_SK_REUSEPORT</c>: Socket selection for <c>SO_REUSEPORT</c> groups.</summary>
    SkReuseport = 21,
    /// <summary><c>BPF_PROG_TYPE_FLOW_DISSECTOR</c>: Flow dissector replacing the kernel's.</summary>
    FlowDissector = 22,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_SYSCTL</c>: Cgroup hook on sysctl reads and writes.</summary>
    CgroupSysctl = 23,
    /// <summary><c>BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE</c>: Raw tracepoint program that may write the tracepoint buffer.</summary>
    RawTracepointWritable = 24,
    /// <summary><c>BPF_PROG_TYPE_CGROUP_SOCKOPT</c>: Cgroup hook on <c>getsockopt</c>/<c>setsockopt</c>.</summary>
    CgroupSockopt = 25,
    /// <summary><c>BPF_PROG_TYPE_TRACING</c>: BTF-typed tracing: fentry, fexit, fmod_ret, tp_btf and iterators.</summary>
    Tracing = 26,
    /// <summary><c>BPF_PROG_TYPE_STRUCT_OPS</c>: Implementation of one member of a kernel struct_ops.</summary>
    StructOps = 27,
    /// <summary><c>BPF_PROG_TYPE_EXT</c>: Extension (freplace) replacing a function of another BPF program.</summary>
    Ext = 28,
    /// <summary><c>BPF_PROG_TYPE_LSM</c>: Linux Security Module hook.</summary>
    Lsm = 29,
    /// <summary><c>BPF_PROG_TYPE_SK_LOOKUP</c>: Socket lookup program, choosing the socket for an incoming connection.</summary>
    SkLookup = 30,
    /// <summary><c>BPF_PROG_TYPE_SYSCALL</c>: Program run only through <c>BPF_PROG_RUN</c>, able to call the bpf syscall.</summary>
    Syscall = 31,
    /// <summary><c>BPF_PROG_TYPE_NETFILTER</c>: Netfilter hook program.</summary>
    Netfilter = 32,
}
