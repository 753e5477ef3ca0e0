namespace Ebpf.Kernel;

/// <summary>Where an XDP program runs: on a device, or from a devmap/cpumap entry (loaded with that type, never attached directly).</summary>
public enum XdpAttachPoint
{
    Device,
    Devmap,
    Cpumap,
}

/// <summary>
/// An XDP program over <c>struct xdp_md</c>; returns <see cref="XdpAction"/>. "xdp", "xdp/devmap", "xdp/cpumap";
/// with <see cref="Frags"/> = true the program accepts multi-buffer packets: "xdp.frags", "xdp.frags/devmap", ...
/// </summary>
public sealed class XdpAttribute : ProgramAttribute
{
    public XdpAttribute() { }

    public XdpAttribute(XdpAttachPoint attachPoint) => AttachPoint = CheckEnum(attachPoint, "Xdp", nameof(attachPoint));

    public XdpAttachPoint AttachPoint { get; }

    /// <summary>The program handles packets larger than a page (BPF_F_XDP_HAS_FRAGS).</summary>
    public bool Frags { get; set; }

    public override string Section => (Frags ? "xdp.frags" : "xdp") + AttachPoint switch
    {
        XdpAttachPoint.Device => "",
        XdpAttachPoint.Devmap => "/devmap",
        _ => "/cpumap",
    };

    public override Type? ContextType => typeof(XdpContext);
    public override Type? ReturnType => typeof(XdpAction);
}

/// <summary>A socket filter ("socket") over <c>struct __sk_buff</c>; returns how many bytes of the packet to keep (0 drops it).</summary>
public sealed class SocketFilterAttribute : ProgramAttribute
{
    public override string Section => "socket";
    public override Type? ContextType => typeof(SkBuffContext);
}

/// <summary>Which packets of an interface a tc or tcx program sees (the user side attaches with its own TcDirection and TcxDirection).</summary>
public enum TrafficDirection
{
    Ingress,
    Egress,
}

/// <summary>
/// A tc classifier (sched_cls) over <c>struct __sk_buff</c>; returns <see cref="TcAction"/>. Without a direction "tc", attached through
/// netlink; with one "tc/ingress" or "tc/egress", libbpf 1.3's names for a tcx attachment (see <see cref="TcxAttribute"/>).
/// </summary>
public sealed class TcClassifierAttribute : ProgramAttribute
{
    public TcClassifierAttribute() { }

    public TcClassifierAttribute(TrafficDirection direction) => Direction = CheckEnum(direction, "TcClassifier", nameof(direction));

    public TrafficDirection? Direction { get; }

    public override string Section => Direction switch
    {
        null => "tc",
        TrafficDirection.Ingress => "tc/ingress",
        _ => "tc/egress",
    };

    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(TcAction);
}

/// <summary>A tc program attached with a tcx link (kernel 6.6+): "tcx/ingress" or "tcx/egress"; returns <see cref="TcAction"/>.</summary>
public sealed class TcxAttribute : ProgramAttribute
{
    public TcxAttribute(TrafficDirection direction) => Direction = CheckEnum(direction, "Tcx", nameof(direction));

    public TrafficDirection Direction { get; }

    public override string Section => Direction == TrafficDirection.Ingress ? "tcx/ingress" : "tcx/egress";

    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(TcAction);
}

/// <summary>Which end of a netkit device pair.</summary>
public enum NetkitSide
{
    Primary,
    Peer,
}

/// <summary>A netkit program: "netkit/primary" or "netkit/peer"; returns <see cref="TcAction"/>.</summary>
public sealed class NetkitAttribute : ProgramAttribute
{
    public NetkitAttribute(NetkitSide side) => Side = CheckEnum(side, "Netkit", nameof(side));

    public NetkitSide Side { get; }

    public override string Section => Side == NetkitSide.Primary ? "netkit/primary" : "netkit/peer";

    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(TcAction);
}

/// <summary>Which program of a sockmap/sockhash an sk_skb program is.</summary>
public enum SkSkbKind
{
    StreamParser,
    StreamVerdict,
    Verdict,
}

/// <summary>An sk_skb program: "sk_skb", "sk_skb/stream_parser", "sk_skb/stream_verdict", "sk_skb/verdict"; verdicts return <see cref="SkVerdict"/>.</summary>
public sealed class SkSkbAttribute : ProgramAttribute
{
    public SkSkbAttribute() { }

    public SkSkbAttribute(SkSkbKind kind) => Kind = CheckEnum(kind, "SkSkb", nameof(kind));

    public SkSkbKind? Kind { get; }

    public override string Section => Kind switch
    {
        null => "sk_skb",
        SkSkbKind.StreamParser => "sk_skb/stream_parser",
        SkSkbKind.StreamVerdict => "sk_skb/stream_verdict",
        _ => "sk_skb/verdict",
    };

    public override Type? ContextType => typeof(SkBuffContext);
    /// <summary>A stream parser returns the length of the next message; the verdict kinds (and bare "sk_skb") return <see cref="SkVerdict"/>.</summary>
    public override Type? ReturnType => Kind == SkSkbKind.StreamParser ? null : typeof(SkVerdict);
}

/// <summary>An sk_msg program ("sk_msg") over <c>struct sk_msg_md</c>; returns <see cref="SkVerdict"/>.</summary>
public sealed class SkMsgAttribute : ProgramAttribute
{
    public override string Section => "sk_msg";
    public override Type? ContextType => typeof(SkMsgContext);
    public override Type? ReturnType => typeof(SkVerdict);
}

/// <summary>An sk_lookup program ("sk_lookup") over <c>struct bpf_sk_lookup</c>; returns <see cref="SkVerdict"/>.</summary>
public sealed class SkLookupAttribute : ProgramAttribute
{
    public override string Section => "sk_lookup";
    public override Type? ContextType => typeof(SkLookupContext);
    public override Type? ReturnType => typeof(SkVerdict);
}

/// <summary>An sk_reuseport program: "sk_reuseport", or "sk_reuseport/migrate" with <see cref="Migrate"/>; returns <see cref="SkVerdict"/>.</summary>
public sealed class SkReuseportAttribute : ProgramAttribute
{
    /// <summary>Also selects a socket when a listener closes (BPF_SK_REUSEPORT_SELECT_OR_MIGRATE).</summary>
    public bool Migrate { get; set; }

    public override string Section => Migrate ? "sk_reuseport/migrate" : "sk_reuseport";
    public override Type? ReturnType => typeof(SkVerdict);
}

/// <summary>A flow dissector ("flow_dissector") over <c>struct __sk_buff</c>; returns <see cref="FlowDissectorVerdict"/>.</summary>
public sealed class FlowDissectorAttribute : ProgramAttribute
{
    public override string Section => "flow_dissector";
    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(FlowDissectorVerdict);
}

/// <summary>A lightweight tunnel hook.</summary>
public enum LwtHook
{
    In,
    Out,
    Xmit,
    Seg6Local,
}

/// <summary>A lightweight tunnel program: "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local"; over <c>struct __sk_buff</c>.</summary>
public sealed class LwtAttribute : ProgramAttribute
{
    public LwtAttribute(LwtHook hook) => Hook = CheckEnum(hook, "Lwt", nameof(hook));

    public LwtHook Hook { get; }

    public override string Section => Hook switch
    {
        LwtHook.In => "lwt_in",
        LwtHook.Out => "lwt_out",
        LwtHook.Xmit => "lwt_xmit",
        _ => "lwt_seg6local",
    };

    public override Type? ContextType => typeof(SkBuffContext);
    public override Type? ReturnType => typeof(LwtVerdict);
}

/// <summary>A netfilter hook program ("netfilter") over <c>struct bpf_nf_ctx</c>; returns <see cref="NetfilterVerdict"/>.</summary>
public sealed class NetfilterAttribute : ProgramAttribute
{
    public override string Section => "netfilter";
    public override Type? ContextType => typeof(NetfilterContext);
    public override Type? ReturnType => typeof(NetfilterVerdict);
}

/// <summary>An infrared decoder program ("lirc_mode2").</summary>
public sealed class LircMode2Attribute : ProgramAttribute
{
    public override string Section => "lirc_mode2";
}
