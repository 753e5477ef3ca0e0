using System.Buffers.Binary;
using System.Net;
using EgressFirewall;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>The egress firewall sample's C# program (samples/EgressFirewall/FirewallProgram.cs) against real connections.</summary>
public class EgressFirewallTests
{
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
        Assert.NotNull(EmbeddedObjects.Find(typeof(FirewallProgram))); // the object the sample's build embedded, not one compiled here
        using var bpf = BpfObject.Load<FirewallProgram>();
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
        var attachment = bpf.Programs[nameof(FirewallProgram.Filter)].AsCgroupSkb().Attach(lab.Cgroup);
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
        BinaryPrimitives.WriteUInt32LittleEndian(dropped, FirewallProgram.DroppedSlot);
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

    // Hand-made packets from the network header on, each with the verdict the rules below must give it.
    private static readonly (string Name, byte[] Packet, SkbVerdict Verdict)[] Cases =
    [
        ("udp to an allowed address and port", V4("127.0.0.1", Udp, 9201), SkbVerdict.Pass),
        ("udp to a blocked v4 address", V4("127.0.0.2", Udp, 9201), SkbVerdict.Drop),
        ("tcp to a blocked port", V4("127.0.0.1", Tcp, 9200), SkbVerdict.Drop),
        ("udp to a blocked port behind ip options", V4("127.0.0.1", Udp, 9200, options: 8), SkbVerdict.Drop),
        ("icmp whose bytes 2-3 read as a blocked port", V4("127.0.0.1", Icmp, 9200), SkbVerdict.Pass),
        ("tcp to a blocked v6 address", V6("fd00::2", Tcp, 9201), SkbVerdict.Drop),
        ("udp over v6 to a blocked port", V6("::1", Udp, 9200), SkbVerdict.Drop),
        ("udp over v6 to an allowed port", V6("::1", Udp, 9201), SkbVerdict.Pass),
        ("udp to a blocked port, cut before the port", V4("127.0.0.1", Udp, 9200)[..21], SkbVerdict.Pass),
    ];

    private const byte Icmp = 1, Tcp = 6, Udp = 17;

    private static byte[] V4(string destination, byte protocol, ushort port, int options = 0)
    {
        var header = 20 + options;
        var packet = new byte[header + 8];
        packet[0] = (byte)(0x40 | header / 4);
        packet[9] = protocol;
        IPAddress.Parse("127.0.0.1").GetAddressBytes().CopyTo(packet, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 16);
        packet.AsSpan(20, options).Fill(1); // NOPs
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(header + 2), port);
        return packet;
    }

    private static byte[] V6(string destination, byte protocol, ushort port)
    {
        var packet = new byte[40 + 8];
        packet[0] = 0x60;
        packet[6] = protocol;
        IPAddress.IPv6Loopback.GetAddressBytes().CopyTo(packet, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(42), port);
        return packet;
    }

    private static uint V4Key(string address) => BitConverter.ToUInt32(IPAddress.Parse(address).GetAddressBytes());

    private static IPv6Address V6Key(string address) => IPv6Address.FromBytes(IPAddress.Parse(address).GetAddressBytes());

    [Fact]
    public void Runs_as_plain_dotnet_with_the_verdicts_and_counts_of_its_rules()
    {
        FirewallProgram.BlockedV4.Clear();
        FirewallProgram.BlockedV6.Clear();
        FirewallProgram.BlockedPorts.Clear();
        FirewallProgram.Verdicts.Clear();
        FirewallProgram.BlockedV4.Update(V4Key("127.0.0.2"), 0);
        FirewallProgram.BlockedV6.Update(V6Key("fd00::2"), 0);
        FirewallProgram.BlockedPorts.Update(9200, 0);

        foreach (var (name, packet, verdict) in Cases)
            Assert.True(verdict == FirewallProgram.Filter(SkBuffContext.ForTest(packet)), name);

        Assert.True(FirewallProgram.BlockedV4.TryGetValue(V4Key("127.0.0.2"), out var v4));
        Assert.True(FirewallProgram.BlockedV6.TryGetValue(V6Key("fd00::2"), out var v6));
        Assert.True(FirewallProgram.BlockedPorts.TryGetValue(9200, out var ports));
        Assert.Equal((1UL, 1UL, 3UL), (v4, v6, ports));
        Assert.Equal([4UL, 5UL], FirewallProgram.Verdicts.ToArray());
    }

    [KernelFact]
    public void The_kernel_gives_the_same_verdicts_and_counts_as_dotnet()
    {
        using var bpf = BpfObject.Load<FirewallProgram>();
        bpf.Maps["blocked_v4"].AsHashMap<uint, ulong>()[V4Key("127.0.0.2")] = 0;
        bpf.Maps["blocked_v6"].AsHashMap<IPv6Address, ulong>()[V6Key("fd00::2")] = 0;
        bpf.Maps["blocked_ports"].AsHashMap<ushort, ulong>()[9200] = 0;
        var program = bpf.Programs[nameof(FirewallProgram.Filter)];
        foreach (var (name, packet, verdict) in Cases)
        {
            // The test run takes an Ethernet frame and hands the program what follows the header, as cgroup_skb sees it.
            var frame = new byte[14 + packet.Length];
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)(packet[0] >> 4 == 6 ? EtherType.IPv6 : EtherType.IPv4));
            packet.CopyTo(frame, 14);
            Assert.True((uint)verdict == program.TestRun(frame).ReturnValue, name);
        }

        Assert.Equal(1UL, bpf.Maps["blocked_v4"].AsHashMap<uint, ulong>()[V4Key("127.0.0.2")]);
        Assert.Equal(1UL, bpf.Maps["blocked_v6"].AsHashMap<IPv6Address, ulong>()[V6Key("fd00::2")]);
        Assert.Equal(3UL, bpf.Maps["blocked_ports"].AsHashMap<ushort, ulong>()[9200]);
        var verdicts = bpf.Maps["verdicts"].AsArray<ulong>();
        Assert.Equal((4UL, 5UL), (verdicts[FirewallProgram.PassedSlot], verdicts[FirewallProgram.DroppedSlot]));
    }
}
