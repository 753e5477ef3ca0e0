namespace Ebpf;

/// <summary>Where an XDP program runs on an interface (the XDP_FLAGS_*_MODE flags of the link).</summary>
public enum XdpMode
{
    /// <summary>No flag: the kernel picks native when the driver has XDP, generic otherwise.</summary>
    Default,
    /// <summary>XDP_FLAGS_SKB_MODE: after the socket buffer is built; works on every interface, slower.</summary>
    Generic,
    /// <summary>XDP_FLAGS_DRV_MODE: in the driver, before any allocation; the driver must support XDP (veth, mlx5, i40e, ...).</summary>
    Native,
    /// <summary>XDP_FLAGS_HW_MODE: on the NIC itself; needs an offloading NIC and a program loaded for that device.</summary>
    Offload,
}
