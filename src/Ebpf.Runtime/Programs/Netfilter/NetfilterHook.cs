namespace Ebpf;

/// <summary>The netfilter hooks (enum nf_inet_hooks), where a netfilter program sees packets.</summary>
public enum NetfilterHook : uint
{
    /// <summary>Every packet received, before routing.</summary>
    PreRouting = 0,
    /// <summary>Packets for this host, after routing.</summary>
    LocalIn = 1,
    /// <summary>Packets routed through this host.</summary>
    Forward = 2,
    /// <summary>Packets this host sends, before routing.</summary>
    LocalOut = 3,
    /// <summary>Every packet leaving, after routing.</summary>
    PostRouting = 4,
}

/// <summary>
/// The protocol family of a netfilter hook (NFPROTO_*). Not <see cref="System.Net.Sockets.ProtocolFamily"/>: its
/// values are .NET's own (IPv6 is 23 there, NFPROTO_IPV6 is 10), and the name would clash in files that use both.
/// </summary>
public enum NetfilterFamily : uint
{
    /// <summary>NFPROTO_IPV4: IPv4 packets.</summary>
    IPv4 = 2,
    /// <summary>NFPROTO_IPV6: IPv6 packets.</summary>
    IPv6 = 10,
}

/// <summary>Flags of a netfilter link.</summary>
[Flags]
public enum NetfilterLinkFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>BPF_F_NETFILTER_IP_DEFRAG: fragments are reassembled before the program sees them (6.6+).</summary>
    IpDefrag = 1,
}
