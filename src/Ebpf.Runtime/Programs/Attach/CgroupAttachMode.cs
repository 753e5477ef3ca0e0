namespace Ebpf;

/// <summary>How a program shares a cgroup hook with others (the kernel's BPF_F_ALLOW_* flags).</summary>
public enum CgroupAttachMode
{
    /// <summary>The only program at this hook; descendants may not attach their own (flags 0, BPF_PROG_ATTACH).</summary>
    Single,
    /// <summary>One program here, which a descendant cgroup's program overrides (BPF_F_ALLOW_OVERRIDE).</summary>
    Override,
    /// <summary>Any number of programs, all run (BPF_F_ALLOW_MULTI); made with a BPF link where the kernel has links.</summary>
    Multi,
}

/// <summary>Which traffic a cgroup_skb program sees, chosen when attaching (the kernel-side attribute uses Ebpf.Kernel.CgroupSkbDirection).</summary>
public enum SkbDirection
{
    /// <summary>Packets received by sockets of the cgroup (BPF_CGROUP_INET_INGRESS).</summary>
    Ingress,
    /// <summary>Packets sent by sockets of the cgroup (BPF_CGROUP_INET_EGRESS).</summary>
    Egress,
}
