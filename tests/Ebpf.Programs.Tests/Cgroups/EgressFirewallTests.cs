using System.Buffers.Binary;
using System.Net;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>The egress firewall sample's program (samples/EgressFirewall/bpf/firewall.c) against real connections.</summary>
public class EgressFirewallTests
{
    private static string FirewallObject => Path.Combine(Fixtures.Directory, "samples", "firewall.o");

    private static ulong Read(BpfMap map, ReadOnlySpan<byte> key)
    {
        Span<byte> value = stackalloc byte[8];
        return map.TryLookup(key, value) ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
    }

    private static byte[] Port(ushort port)
    {
        var key = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(key, port);
        return key;
    }

    // A dropped SYN is retransmitted, not reported: a blocked TCP connect shows as a timeout.
    private const string Connect = """
        import socket, sys
        host, port = sys.argv[1], int(sys.argv[2])
        try:
            s = socket.create_connection((host, port), timeout=1.5)
            print(s.recv(16).decode())
        except (PermissionError, TimeoutError):
            print('blocked')
        """;

    // A dropped UDP datagram fails its send with EPERM: one send, one drop, so the counters are exact.
    private const string Send = """
        import socket, sys
        host, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b'x', (host, port))
            print('sent')
        except PermissionError:
            print('blocked')
        """;

    [KernelFact]
    public void Blocked_addresses_and_ports_are_dropped_for_the_cgroup_only_and_counted()
    {
        using var lab = new TrafficLab();
        lab.AddLoopbackAddress("fd00::2/128");
        using var bpf = BpfObject.Load(FirewallObject);
        Span<byte> zero = stackalloc byte[8];
        zero.Clear();
        bpf.Maps["blocked_v4"].Update(IPAddress.Parse("127.0.0.2").GetAddressBytes(), zero);
        bpf.Maps["blocked_v6"].Update(IPAddress.Parse("fd00::2").GetAddressBytes(), zero);
        bpf.Maps["blocked_ports"].Update(Port(9200), zero);

        foreach (var (host, port) in new[] { ("127.0.0.1", 9201), ("127.0.0.2", 9201), ("127.0.0.1", 9200), ("::1", 9201), ("fd00::2", 9201), ("::1", 9200) })
            lab.StartServer(Peers.TcpGreeter(host, port));

        string Run(string script, string host, int port, bool inside) => lab.RunClient(script.Replace("sys.argv[1]", $"'{host}'").Replace("int(sys.argv[2])", port.ToString()), inside).Trim();
        string Try(string host, int port, bool inside = true) => Run(Connect, host, port, inside);
        string SendTo(string host, int port) => Run(Send, host, port, inside: true);
        var attachment = bpf.Programs["firewall"].AsCgroupSkb().Attach(lab.Cgroup);
        Assert.Equal("hello", Try("127.0.0.1", 9201));
        Assert.Equal("blocked", Try("127.0.0.2", 9201));
        Assert.Equal("blocked", Try("127.0.0.1", 9200));
        Assert.Equal("hello", Try("::1", 9201));
        Assert.Equal("blocked", Try("fd00::2", 9201));
        Assert.Equal("blocked", Try("::1", 9200));
        Assert.Equal("hello", Try("127.0.0.2", 9201, inside: false)); // processes outside the cgroup are untouched
        Assert.Equal("hello", Try("fd00::2", 9201, inside: false));

        // Every dropped packet is counted under the rule that dropped it (TCP retries make it at least one per connect).
        var v4 = Read(bpf.Maps["blocked_v4"], IPAddress.Parse("127.0.0.2").GetAddressBytes());
        var v6 = Read(bpf.Maps["blocked_v6"], IPAddress.Parse("fd00::2").GetAddressBytes());
        var ports = Read(bpf.Maps["blocked_ports"], Port(9200));
        Assert.True(v4 >= 1 && v6 >= 1 && ports >= 2, $"v4 {v4}, v6 {v6}, ports {ports}");
        Span<byte> dropped = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(dropped, 1);
        Assert.Equal(v4 + v6 + ports, Read(bpf.Maps["verdicts"], dropped));

        // UDP: one send, one drop, exactly.
        Assert.Equal("blocked", SendTo("127.0.0.2", 9300));
        Assert.Equal("blocked", SendTo("fd00::2", 9300));
        Assert.Equal("blocked", SendTo("::1", 9200));
        Assert.Equal("sent", SendTo("::1", 9300));
        Assert.Equal(v4 + 1, Read(bpf.Maps["blocked_v4"], IPAddress.Parse("127.0.0.2").GetAddressBytes()));
        Assert.Equal(v6 + 1, Read(bpf.Maps["blocked_v6"], IPAddress.Parse("fd00::2").GetAddressBytes()));
        Assert.Equal(ports + 1, Read(bpf.Maps["blocked_ports"], Port(9200)));

        attachment.Dispose();
        Assert.Equal("hello", Try("127.0.0.2", 9201));  // detached: the same connections pass again
        Assert.Equal("hello", Try("::1", 9200));
    }
}
