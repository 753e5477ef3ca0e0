namespace Ebpf.Kernel;

/// <summary>
/// What a cgroup_skb program returns. Bit 0 lets the packet pass; on egress bit 1 also signals congestion (NET_XMIT_CN),
/// which is why the kernel accepts 2 and 3 there. The compiler refuses other constants and casts from unchecked integers.
/// </summary>
public enum SkbVerdict : uint
{
    Drop = 0,
    Pass = 1,
    /// <summary>Egress only: drop and tell TCP to back off.</summary>
    DropWithCongestion = 2,
    /// <summary>Egress only: pass and tell TCP to back off.</summary>
    PassWithCongestion = 3,
}
