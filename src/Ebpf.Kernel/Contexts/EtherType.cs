namespace Ebpf.Kernel;

/// <summary>The link-layer protocol of a packet (ETH_P_*), in host order: <c>skb.Protocol == EtherType.IPv6</c>.</summary>
public enum EtherType : ushort
{
    None = 0,
    IPv4 = 0x0800,
    Arp = 0x0806,
    Vlan = 0x8100,
    IPv6 = 0x86DD,
    QinQ = 0x88A8,
    Mpls = 0x8847,
}
