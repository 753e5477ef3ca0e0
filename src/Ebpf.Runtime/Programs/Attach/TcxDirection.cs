namespace Ebpf;

/// <summary>Which traffic of an interface a tcx program sees (the kernel-side attribute uses Ebpf.Kernel.TrafficDirection).</summary>
public enum TcxDirection
{
    /// <summary>Packets the interface receives (BPF_TCX_INGRESS).</summary>
    Ingress,
    /// <summary>Packets the interface sends (BPF_TCX_EGRESS).</summary>
    Egress,
}
