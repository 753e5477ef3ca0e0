using System.Buffers.Binary;
using System.Net;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>The founding scenario with real packets: counters and a firewall on a child cgroup, in a private network namespace.</summary>
public class CgroupSkbTrafficTests
{
    private static (ulong Packets, ulong Bytes) Counter(BpfObject bpf, uint direction)
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(key, direction);
        Assert.True(bpf.Maps["traffic"].TryLookup(key, value));
        return (BinaryPrimitives.ReadUInt64LittleEndian(value), BinaryPrimitives.ReadUInt64LittleEndian(value[8..]));
    }

    [KernelTheory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Udp_counters_equal_the_datagrams_sent_and_received(string host)
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        using var ingress = bpf.Programs["count_ingress"].AsCgroupSkb().Attach(lab.Cgroup);
        using var egress = bpf.Programs["count_egress"].AsCgroupSkb().Attach(lab.Cgroup);
        lab.StartServer(Peers.UdpEchoServer(host, 9000));
        Assert.Equal("done", lab.RunClient(Peers.UdpClient(host, 9000, 50)).Trim());
        var headers = host.Contains(':') ? 40 + 8 : 20 + 8;
        Assert.Equal((50UL, 50UL * (ulong)(headers + 32)), Counter(bpf, 1)); // egress: what the client sent
        Assert.Equal((50UL, 50UL * (ulong)(headers + 32)), Counter(bpf, 0)); // ingress: the echoes it received
    }

    [KernelTheory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Tcp_counters_add_up_to_every_packet_on_the_wire(string host)
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        using var ingress = bpf.Programs["count_ingress"].AsCgroupSkb().Attach(lab.Cgroup);
        using var egress = bpf.Programs["count_egress"].AsCgroupSkb().Attach(lab.Cgroup);
        var before = lab.LoopbackPackets();
        var server = lab.StartServer(Peers.TcpEchoServer(host, 9001, 20));
        Assert.Equal("done", lab.RunClient(Peers.TcpClient(host, 9001, 20)).Trim());
        server.WaitForExit(10_000);
        var onTheWire = lab.LoopbackPackets() - before;
        var sent = Counter(bpf, 1).Packets;
        var received = Counter(bpf, 0).Packets;
        // Every packet in this namespace is between the client (in the cgroup) and the server (outside it):
        // each one was either sent or received by the client, and counted exactly once.
        Assert.Equal((ulong)onTheWire, sent + received);
        Assert.InRange(sent, 20UL + 3, 200UL);     // SYN, 20 messages, ACKs, FIN
        Assert.InRange(received, 20UL + 3, 200UL); // SYN-ACK, 20 echoes, ACKs, FIN
    }

    [KernelFact]
    public void Firewall_drops_blocked_addresses_only_for_the_cgroup_and_only_while_attached()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        Span<byte> key = stackalloc byte[4];
        Span<byte> zero = stackalloc byte[8];
        zero.Clear();
        IPAddress.Parse("127.0.0.2").TryWriteBytes(key, out _); // remote_ip4 as the kernel holds it: network order
        bpf.Maps["blocked"].Update(key, zero);

        // 127.0.0.0/8 is all loopback on Linux: 127.0.0.2 needs no setup.
        lab.StartServer(Peers.UdpEchoServer("127.0.0.1", 9002));
        lab.StartServer(Peers.UdpEchoServer("127.0.0.2", 9003));
        var attachment = bpf.Programs["filter_egress"].AsCgroupSkb().Attach(lab.Cgroup);
        Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.1", 9002, 3)).Trim());
        var refused = Assert.Throws<InvalidOperationException>(() => lab.RunClient(Peers.UdpClient("127.0.0.2", 9003, 1)));
        Assert.Contains("PermissionError", refused.Message);                      // the egress verdict 0 surfaces as EPERM
        Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.2", 9003, 3), inCgroup: false).Trim()); // outside: untouched
        Span<byte> hits = stackalloc byte[8];
        Assert.True(bpf.Maps["blocked"].TryLookup(key, hits));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(hits));

        attachment.Dispose();
        Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.2", 9003, 3)).Trim()); // detached: passes again
    }
}
