namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_link_type</c>, values as in the UAPI.</summary>
public enum BpfLinkType
{
    /// <summary><c>BPF_LINK_TYPE_UNSPEC</c>: No link type.</summary>
    Unspec = 0,
    /// <summary><c>BPF_LINK_TYPE_RAW_TRACEPOINT</c>: Link of a raw tracepoint program.</summary>
    RawTracepoint = 1,
    /// <summary><c>BPF_LINK_TYPE_TRACING</c>: Link of a tracing (fentry/fexit/fmod_ret/LSM) program.</summary>
    Tracing = 2,
    /// <summary><c>BPF_LINK_TYPE_CGROUP</c>: Link of a program to a cgroup.</summary>
    Cgroup = 3,
    /// <summary><c>BPF_LINK_TYPE_ITER</c>: Link of a BPF iterator.</summary>
    Iter = 4,
    /// <summary><c>BPF_LINK_TYPE_NETNS</c>: Link of a program to a network namespace.</summary>
    Netns = 5,
    /// <summary><c>BPF_LINK_TYPE_XDP</c>: Link of an XDP program to a network device.</summary>
    Xdp = 6,
    /// <summary><c>BPF_LINK_TYPE_PERF_EVENT</c>: Link of a program to a perf event (kprobe, uprobe, tracepoint).</summary>
    PerfEvent = 7,
    /// <summary><c>BPF_LINK_TYPE_KPROBE_MULTI</c>: Link of one program to many kprobes.</summary>
    KprobeMulti = 8,
    /// <summary><c>BPF_LINK_TYPE_STRUCT_OPS</c>: Link registering a struct_ops map.</summary>
    StructOps = 9,
    /// <summary><c>BPF_LINK_TYPE_NETFILTER</c>: Link of a netfilter program to a hook.</summary>
    Netfilter = 10,
    /// <summary><c>BPF_LINK_TYPE_TCX</c>: Link of a tc program to a device through tcx.</summary>
    Tcx = 11,
    /// <summary><c>BPF_LINK_TYPE_UPROBE_MULTI</c>: Link of one program to many uprobes.</summary>
    UprobeMulti = 12,
    /// <summary><c>BPF_LINK_TYPE_NETKIT</c>: Link of a program to a netkit device.</summary>
    Netkit = 13,
    /// <summary><c>BPF_LINK_TYPE_SOCKMAP</c>: Link of a program to a sockmap or sockhash.</summary>
    Sockmap = 14,
}
