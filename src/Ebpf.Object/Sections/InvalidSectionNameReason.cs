namespace Ebpf.Object.Sections;

/// <summary>Why a section name was refused, for callers that react differently to each.</summary>
public enum InvalidSectionNameReason
{
    /// <summary>The section name is empty or only white space.</summary>
    Empty,
    /// <summary><c>cgroup_skb</c> without <c>/ingress</c> or <c>/egress</c>.</summary>
    MissingCgroupSkbDirection,
    /// <summary>No table entry matches.</summary>
    Unknown,
}
