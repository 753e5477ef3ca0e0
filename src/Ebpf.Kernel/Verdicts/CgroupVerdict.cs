namespace Ebpf.Kernel;

/// <summary>
/// What cgroup_sock, cgroup_sock_addr, cgroup_sysctl, cgroup_device and cgroup_sockopt programs return: 1 lets the
/// operation go on, 0 refuses it with EPERM (or the errno set with bpf_set_retval).
/// </summary>
public enum CgroupVerdict : uint
{
    Deny = 0,
    Allow = 1,
}

/// <summary>What sk_skb verdict, sk_msg, sk_lookup and sk_reuseport programs return (enum sk_action).</summary>
public enum SkVerdict : uint
{
    Drop = 0,
    Pass = 1,
}

/// <summary>What a flow dissector returns (enum bpf_ret_code).</summary>
public enum FlowDissectorVerdict
{
    Ok = 0,
    Drop = 2,
    /// <summary>BPF_FLOW_DISSECTOR_CONTINUE: let the kernel's own dissector run.</summary>
    Continue = 129,
}

/// <summary>What a lightweight tunnel program returns (enum bpf_ret_code).</summary>
public enum LwtVerdict
{
    Ok = 0,
    Drop = 2,
    Redirect = 7,
    /// <summary>BPF_LWT_REROUTE: route again after the program changed the packet (lwt_in, lwt_xmit).</summary>
    Reroute = 128,
}

/// <summary>What a netfilter program returns: NF_DROP or NF_ACCEPT (the verifier allows only these two).</summary>
public enum NetfilterVerdict : uint
{
    Drop = 0,
    Accept = 1,
}
