namespace Ebpf.Hosting;

/// <summary>Where one program attaches: <c>{ "Program": "Ingress", "Kind": "Cgroup", "Target": "web" }</c>.</summary>
public sealed class BpfAttachOptions
{
    /// <summary>The program's function name in the object.</summary>
    public string Program { get; set; } = "";

    /// <summary>Required: what <see cref="Target"/> is.</summary>
    public BpfAttachKind? Kind { get; set; }

    /// <summary>
    /// A cgroup path (absolute, or under the cgroup v2 mount), an interface name (XDP, tc, tcx), or a tracepoint
    /// "category/name" (empty: the one the program's section names).
    /// </summary>
    public string? Target { get; set; }

    /// <summary>
    /// Ingress or egress: for tc and tcx, and for cgroup_skb programs declared without one (section "cgroup/skb").
    /// A program whose section has a direction takes that one when this is not set.
    /// </summary>
    public BpfDirection? Direction { get; set; }

    /// <summary>The XDP mode (generic, native, offload); the kernel chooses when not set.</summary>
    public XdpMode XdpMode { get; set; } = XdpMode.Default;

    /// <summary>Pins the link on bpffs, so the program stays attached when the host stops, until the pin is removed.</summary>
    public string? Pin { get; set; }

    public override string ToString() =>
        $"{Program} -> {Kind?.ToString().ToLowerInvariant() ?? "(no kind)"} {(string.IsNullOrEmpty(Target) ? "(from its section)" : Target)}" +
        (Direction is { } d ? $" {d.ToString().ToLowerInvariant()}" : "");
}

/// <summary>The attach points a host configures (other kinds attach in code, through the loaded object).</summary>
public enum BpfAttachKind
{
    Cgroup,
    Xdp,
    Tcx,
    Tc,
    Tracepoint,
}

public enum BpfDirection
{
    Ingress,
    Egress,
}
