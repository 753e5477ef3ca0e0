using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>
/// What BPF_LINK_CREATE needs beyond program and attach type. The target is a descriptor (a cgroup directory,
/// a netns, a BPF program for freplace) or, for XDP/tcx/netkit, an interface index. The per-kind fields apply to
/// the kinds named on them and are otherwise left 0.
/// </summary>
public ref struct LinkCreateRequest
{
    /// <summary>A request to attach <paramref name="program"/> to <paramref name="target"/> at <paramref name="attachType"/>.</summary>
    /// <param name="program">The program to attach.</param>
    /// <param name="target">The target's descriptor (cgroup, program, map...); null for targets given by index or none.</param>
    /// <param name="attachType">attach_type.</param>
    public LinkCreateRequest(BpfProgramFd program, SafeHandle? target, BpfAttachType attachType)
    {
        Program = program;
        Target = target;
        AttachType = attachType;
    }

    /// <summary>prog_fd: the program to attach.</summary>
    public BpfProgramFd Program { get; set; }

    /// <summary>target_fd; null for attach types that take <see cref="TargetIfindex"/> or no target.</summary>
    public SafeHandle? Target { get; set; }

    /// <summary>target_ifindex, used when <see cref="Target"/> is null.</summary>
    public uint TargetIfindex { get; set; }

    /// <summary>attach_type.</summary>
    public BpfAttachType AttachType { get; set; }
    /// <summary>flags (<c>BPF_F_*</c> of the attach type).</summary>
    public uint Flags { get; set; }

    /// <summary>freplace and tracing: the target function's BTF id.</summary>
    public uint TargetBtfId { get; set; }

    /// <summary>Tracing (fentry/fexit/fmod_ret): the BPF cookie.</summary>
    public ulong TracingCookie { get; set; }

    /// <summary>Iterators: the bpf_iter_link_info bytes.</summary>
    public ReadOnlySpan<byte> IterInfo { get; set; }

    /// <summary>cgroup (6.15+), tcx and netkit: relative_fd or relative_id (with BPF_F_ID in the flags) for BPF_F_BEFORE/AFTER.</summary>
    public uint Relative { get; set; }

    /// <summary>cgroup, tcx and netkit: the program or link descriptor given as relative_fd (leased for the call; overrides <see cref="Relative"/>).</summary>
    public SafeHandle? RelativeHandle { get; set; }

    /// <summary>cgroup, tcx and netkit: fail unless the attachment revision is this one (0: any).</summary>
    public ulong ExpectedRevision { get; set; }

    /// <summary>Netfilter: protocol family (NFPROTO_IPV4 2, NFPROTO_IPV6 10), hook number, priority and flags (BPF_F_NETFILTER_IP_DEFRAG 1).</summary>
    /// <summary>netfilter.pf: NFPROTO_IPV4 or NFPROTO_IPV6.</summary>
    public uint NetfilterProtocolFamily { get; set; }
    /// <summary>netfilter.hooknum: NF_INET_PRE_ROUTING, LOCAL_IN, ...</summary>
    public uint NetfilterHook { get; set; }
    /// <summary>netfilter.priority: order among the hook's functions (lower first).</summary>
    public int NetfilterPriority { get; set; }
    /// <summary>netfilter.flags.</summary>
    public uint NetfilterFlags { get; set; }
}

/// <summary>What BPF_PROG_QUERY reported for a target and attach type.</summary>
public sealed record BpfProgQueryResult(BpfAttachFlags AttachFlags, IReadOnlyList<uint> ProgramIds, ulong Revision);
