namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_link_type</c>, values as in the UAPI.</summary>
public enum BpfLinkType
{
    Unspec = 0,  // BPF_LINK_TYPE_UNSPEC
    RawTracepoint = 1,  // BPF_LINK_TYPE_RAW_TRACEPOINT
    Tracing = 2,  // BPF_LINK_TYPE_TRACING
    Cgroup = 3,  // BPF_LINK_TYPE_CGROUP
    Iter = 4,  // BPF_LINK_TYPE_ITER
    Netns = 5,  // BPF_LINK_TYPE_NETNS
    Xdp = 6,  // BPF_LINK_TYPE_XDP
    PerfEvent = 7,  // BPF_LINK_TYPE_PERF_EVENT
    KprobeMulti = 8,  // BPF_LINK_TYPE_KPROBE_MULTI
    StructOps = 9,  // BPF_LINK_TYPE_STRUCT_OPS
    Netfilter = 10,  // BPF_LINK_TYPE_NETFILTER
    Tcx = 11,  // BPF_LINK_TYPE_TCX
    UprobeMulti = 12,  // BPF_LINK_TYPE_UPROBE_MULTI
    Netkit = 13,  // BPF_LINK_TYPE_NETKIT
    Sockmap = 14,  // BPF_LINK_TYPE_SOCKMAP
}
