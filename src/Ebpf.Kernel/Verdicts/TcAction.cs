namespace Ebpf.Kernel;

/// <summary>What a tc/tcx/netkit program returns (TC_ACT_* from linux/pkt_cls.h; tcx reads -1 as TCX_NEXT).</summary>
public enum TcAction
{
    /// <summary>TC_ACT_UNSPEC; for tcx, TCX_NEXT: run the next program.</summary>
    Unspec = -1,
    /// <summary>TC_ACT_OK; for tcx, TCX_PASS.</summary>
    Ok = 0,
    Reclassify = 1,
    /// <summary>TC_ACT_SHOT: drop; for tcx, TCX_DROP.</summary>
    Shot = 2,
    Pipe = 3,
    Stolen = 4,
    Queued = 5,
    Repeat = 6,
    /// <summary>TC_ACT_REDIRECT: use the target of bpf_redirect; for tcx, TCX_REDIRECT.</summary>
    Redirect = 7,
    Trap = 8,
}
