using System.Net.Sockets;
using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

// The programs run as plain .NET: no kernel, no root. Tests of one class run one at a time, so the static maps are theirs.
public sealed class FirewallTests
{
    public FirewallTests()
    {
        Firewall.Blocked.Clear();
        Firewall.Bytes.Clear();
        PortFilter.BlockedPorts.Clear();
        PortFilter.Verdicts.Clear();
    }

    [Fact]
    public void Design_example_drops_a_blocked_address_and_counts_bytes()
    {
        var packet = Packets.IPv4("192.168.1.5", "10.1.2.3");
        Firewall.Blocked.Update(Net.IPv4("10.1.2.3"), 1);

        Assert.Equal(SkbVerdict.Drop, Firewall.Egress(SkBuffContext.ForTest(packet, remote: "10.1.2.3")));
        Assert.Equal(SkbVerdict.Pass, Firewall.Egress(SkBuffContext.ForTest(packet, remote: "10.1.2.4")));
        Assert.Equal((ulong)(2 * packet.Length), Firewall.Bytes.ToArray()[1]);
        Assert.Equal(0UL, Firewall.Bytes.ToArray()[0]);
    }

    [Fact]
    public void Remote_address_comes_from_the_packet_when_not_given()
    {
        Firewall.Blocked.Update(Net.IPv4("10.1.2.3"), 1);
        Assert.Equal(SkbVerdict.Drop, Firewall.Egress(SkBuffContext.ForTest(Packets.IPv4("192.168.1.5", "10.1.2.3"))));
        // Ingress: the remote end is the source.
        Assert.Equal(SkbVerdict.Pass, Firewall.Egress(SkBuffContext.ForTest(Packets.IPv4("192.168.1.5", "10.1.2.3"), direction: CgroupSkbDirection.Ingress)));
        Assert.Equal(SkbVerdict.Drop, Firewall.Egress(SkBuffContext.ForTest(Packets.IPv4("10.1.2.3", "192.168.1.5"), direction: CgroupSkbDirection.Ingress)));
    }

    [Fact]
    public void IPv6_packets_have_no_IPv4_remote_and_pass()
    {
        Firewall.Blocked.Update(0, 1);   // an IPv6 socket's remote_ip4 reads 0: a zero key catches every IPv6 packet, so check Family first
        var skb = SkBuffContext.ForTest(Packets.IPv6("2001:db8::1", "2001:db8::2"));
        Assert.Equal(AddressFamily.InterNetworkV6, skb.Family);
        Assert.Equal(Net.IPv6("2001:db8::2"), skb.RemoteIPv6);
        Assert.Equal(0u, skb.RemoteIPv4);
        Assert.Equal(SkbVerdict.Drop, Firewall.Egress(skb));
        Firewall.Blocked.Remove(0);
        Assert.Equal(SkbVerdict.Pass, Firewall.Egress(skb));
    }

    [Fact]
    public void Either_passes_everything()
    {
        Assert.Equal(SkbVerdict.Pass, Firewall.Either(SkBuffContext.ForTest([])));
        Assert.Equal(SkbVerdict.Pass, Firewall.Either(SkBuffContext.ForTest(Packets.IPv4("1.1.1.1", "2.2.2.2"))));
    }

    [Theory]
    [InlineData(false, Packets.Udp, 53, false)]
    [InlineData(false, Packets.Tcp, 443, true)]
    [InlineData(false, Packets.Udp, 443, true)]
    [InlineData(false, Packets.Icmp, 443, false)]
    [InlineData(true, Packets.Tcp, 443, true)]
    [InlineData(true, Packets.Udp, 80, false)]
    public void Port_filter_reads_headers(bool v6, byte protocol, ushort port, bool dropped)
    {
        PortFilter.BlockedPorts.Update(443, 0);
        var packet = v6 ? Packets.IPv6("2001:db8::1", "2001:db8::2", protocol, destinationPort: port)
                        : Packets.IPv4("10.0.0.1", "10.0.0.2", protocol, destinationPort: port);
        var verdict = PortFilter.Filter(SkBuffContext.ForTest(packet));
        Assert.Equal(dropped ? SkbVerdict.Drop : SkbVerdict.Pass, verdict);
        Assert.True(PortFilter.BlockedPorts.TryGetValue(443, out var hits));
        Assert.Equal(dropped ? 1UL : 0UL, hits);
        Assert.Equal(1UL, PortFilter.Verdicts.ToArray()[dropped ? 1 : 0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(22)]
    [InlineData(23)]
    public void Truncated_packets_pass_because_TryLoad_fails_past_the_end(int length)
    {
        PortFilter.BlockedPorts.Update(443, 0);
        var full = Packets.IPv4("10.0.0.1", "10.0.0.2", Packets.Tcp, destinationPort: 443);
        var skb = SkBuffContext.ForTest(full.AsSpan(0, length), protocol: EtherType.IPv4);
        Assert.Equal(SkbVerdict.Pass, PortFilter.Filter(skb));
        Assert.Equal((uint)length, skb.Length);
    }

    [Fact]
    public void TryLoad_is_bounds_checked_and_zeroes_on_failure()
    {
        var skb = SkBuffContext.ForTest([0x45, 1, 2, 3, 4, 5, 6, 7]);
        Assert.True(skb.TryLoad(4, out uint v));
        Assert.Equal(0x07060504u, v);
        Assert.False(skb.TryLoad(5, out v));
        Assert.Equal(0u, v);
        Assert.False(skb.TryLoad(-1, out byte b));
        Assert.Equal(0, b);
        Assert.False(skb.TryLoad(int.MaxValue, out ulong l));
        Assert.True(skb.TryLoad(7, out b));
        Assert.Equal(7, b);
        Span<byte> buf = stackalloc byte[4];
        Assert.Equal(-Errno.EFAULT, skb.LoadBytes(6, buf));
        Assert.Equal(0, skb.LoadBytes(4, buf));
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, buf.ToArray());
    }
}
