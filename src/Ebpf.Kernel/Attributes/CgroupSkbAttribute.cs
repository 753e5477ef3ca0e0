namespace Ebpf.Kernel;

/// <summary>The direction a cgroup_skb program sees packets in; the values are the kernel's attach types.</summary>
public enum CgroupSkbDirection
{
    /// <summary>Packets a socket of the cgroup receives (BPF_CGROUP_INET_INGRESS).</summary>
    Ingress = 0,
    /// <summary>Packets a socket of the cgroup sends (BPF_CGROUP_INET_EGRESS).</summary>
    Egress = 1,
}

/// <summary>
/// A cgroup_skb program: runs for every packet of the cgroup's sockets, returns <see cref="SkbVerdict"/>.
/// With a direction it loads with that expected attach type ("cgroup_skb/ingress", "cgroup_skb/egress");
/// without one it is "cgroup/skb" and the direction is chosen when attaching.
/// </summary>
public sealed class CgroupSkbAttribute : ProgramAttribute
{
    public CgroupSkbAttribute() { }

    public CgroupSkbAttribute(CgroupSkbDirection direction) =>
        Direction = CheckEnum(direction, "CgroupSkb", nameof(direction));

    /// <summary>The direction fixed at load, or null when it is chosen at attach.</summary>
    public CgroupSkbDirection? Direction { get; }

    public override string Section => Direction switch
    {
        null => "cgroup/skb",
        CgroupSkbDirection.Ingress => "cgroup_skb/ingress",
        _ => "cgroup_skb/egress",
    };

    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(SkbVerdict);
}
