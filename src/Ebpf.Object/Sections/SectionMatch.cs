namespace Ebpf.Object.Sections;

/// <summary>How a table entry's name must match a section name; libbpf spells these "type", "type+" and "type/".</summary>
public enum SectionMatch
{
    /// <summary>The section is exactly the name (<c>SEC("xdp")</c>, <c>SEC("cgroup_skb/ingress")</c>).</summary>
    Exact,

    /// <summary>The section is the name alone or the name, '/', and a target (<c>SEC("kprobe")</c>, <c>SEC("kprobe/do_unlinkat")</c>).</summary>
    ExactOrTarget,

    /// <summary>The section is the name, '/', and a target; the name alone is not valid (libbpf 0.x <c>xdp_devmap/</c>).</summary>
    Target,
}
