namespace Ebpf.Kernel;

/// <summary>IP protocol numbers (the IPv4 protocol and IPv6 next-header byte), IPPROTO_* in Linux.</summary>
public static class IpProtocol
{
    public const byte Icmp = 1, Tcp = 6, Udp = 17, IPv6Route = 43, IPv6Fragment = 44, IcmpV6 = 58, Sctp = 132;
}
