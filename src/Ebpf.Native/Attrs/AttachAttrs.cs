using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>BPF_PROG_ATTACH and BPF_PROG_DETACH.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct ProgAttachAttr
{
    /// <summary>Also target_ifindex.</summary>
    [FieldOffset(0)] public uint TargetFd;
    [FieldOffset(4)] public uint AttachBpfFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint AttachFlags;
    [FieldOffset(16)] public uint ReplaceBpfFd;
    /// <summary>Also relative_id.</summary>
    [FieldOffset(20)] public uint RelativeFd;
    [FieldOffset(24)] public ulong ExpectedRevision;
}

/// <summary>BPF_PROG_QUERY (member "query").</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct ProgQueryAttr
{
    [FieldOffset(0)] public uint TargetFd;
    [FieldOffset(4)] public uint AttachType;
    [FieldOffset(8)] public uint QueryFlags;
    [FieldOffset(12)] public uint AttachFlags;
    [FieldOffset(16)] public ulong ProgIds;
    /// <summary>Also count.</summary>
    [FieldOffset(24)] public uint ProgCnt;
    [FieldOffset(32)] public ulong ProgAttachFlags;
    [FieldOffset(40)] public ulong LinkIds;
    [FieldOffset(48)] public ulong LinkAttachFlags;
    [FieldOffset(56)] public ulong Revision;
}

/// <summary>BPF_LINK_CREATE (member "link_create"); the per-kind union starts at 16.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct LinkCreateAttr
{
    /// <summary>Also map_fd.</summary>
    [FieldOffset(0)] public uint ProgFd;
    /// <summary>Also target_ifindex.</summary>
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary>target_btf_id; tracing.target_btf_id; cgroup/tcx/netkit relative_fd or relative_id.</summary>
    [FieldOffset(16)] public uint TargetBtfId;
    /// <summary>iter_info; perf_event.bpf_cookie.</summary>
    [FieldOffset(16)] public ulong IterInfo;
    [FieldOffset(24)] public uint IterInfoLen;
    /// <summary>tracing.cookie; cgroup/tcx/netkit expected_revision.</summary>
    [FieldOffset(24)] public ulong TracingCookie;
    /// <summary>netfilter.pf, .hooknum, .priority, .flags.</summary>
    [FieldOffset(16)] public uint NetfilterPf;
    [FieldOffset(20)] public uint NetfilterHooknum;
    [FieldOffset(24)] public int NetfilterPriority;
    [FieldOffset(28)] public uint NetfilterFlags;
}

/// <summary>BPF_LINK_UPDATE (member "link_update").</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct LinkUpdateAttr
{
    [FieldOffset(0)] public uint LinkFd;
    [FieldOffset(4)] public uint NewProgFd;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint OldProgFd;
}

/// <summary>BPF_LINK_DETACH (member "link_detach").</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
internal struct LinkDetachAttr
{
    [FieldOffset(0)] public uint LinkFd;
}
