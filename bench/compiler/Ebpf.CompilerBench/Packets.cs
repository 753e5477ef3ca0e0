using System.Buffers.Binary;
using System.Net;
using Ebpf.Kernel;

namespace Ebpf.CompilerBench;

/// <summary>A test packet: what the program sees from skb->data (the IP header on), and the Ethernet frame TestRun takes.</summary>
public sealed record Packet(string Name, EtherType EtherType, byte[] Network)
{
    /// <summary>BPF_PROG_TEST_RUN takes an Ethernet frame and hands cgroup_skb programs the part after it.</summary>
    public byte[] Frame()
    {
        var frame = new byte[14 + Network.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)EtherType);
        Network.CopyTo(frame, 14);
        return frame;
    }
}

/// <summary>Realistic packets, built byte by byte (checksums are not checked on this path, so they stay zero).</summary>
public static class Packets
{
    public static readonly Packet IPv4Tcp = new("ipv4-tcp", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 6, [], Tcp(40000, 443), payload: 64));
    public static readonly Packet IPv6Udp = new("ipv6-udp", EtherType.IPv6, IPv6(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::53"), 17, Udp(5353, 53, 32), payload: 32));
    public static readonly Packet IPv4UdpBlocked = new("ipv4-udp-8080", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.9"), 17, [], Udp(41000, 8080, 100), payload: 100));
    public static readonly Packet IPv6TcpBlocked = new("ipv6-tcp-8080", EtherType.IPv6, IPv6(IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2"), 6, Tcp(50000, 8080), payload: 0));
    public static readonly Packet IPv4Icmp = new("ipv4-icmp", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.3"), 1, [], [8, 0, 0, 0, 0, 1, 0, 1], payload: 56));
    // A later fragment: offset 185 (1480 bytes), so no ports to read even though the protocol is UDP.
    public static readonly Packet IPv4Fragment = new("ipv4-fragment", EtherType.IPv4, Fragment(IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 17, [], [], payload: 200), 185));
    // Options: NOP, router alert (RFC 2113), record route with one empty slot; 12 bytes, so IHL 8.
    public static readonly Packet IPv4RouterAlert = new("ipv4-opt-ra", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("224.0.0.22"), 17,
        [1, 0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0], Udp(40001, 5000, 16), payload: 16));
    // Loose source route through one hop, padded with NOP and END: dropped by the options walk.
    public static readonly Packet IPv4SourceRoute = new("ipv4-opt-lsrr", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 6,
        [1, 0x83, 7, 4, 10, 0, 0, 7, 0, 0, 0, 0], Tcp(40002, 22), payload: 0));
    // Strict source route, also dropped.
    public static readonly Packet IPv4StrictRoute = new("ipv4-opt-ssrr", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 6,
        [0x89, 7, 4, 10, 0, 0, 7, 1], Tcp(40004, 22), payload: 0));
    // Router alert, then end of list: the source route after it is never looked at.
    public static readonly Packet IPv4EndOfList = new("ipv4-opt-eol", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 17,
        [0x94, 4, 0, 0, 0, 0x83, 3, 0], Udp(40005, 53, 8), payload: 8));
    // IHL says 60 bytes, the packet ends after 4 bytes of options: the walk stops where the bytes do.
    public static readonly Packet IPv4OptionsCut = new("ipv4-opt-cut", EtherType.IPv4, Ihl(IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 17,
        [1, 1, 1, 1], [], payload: 0), 15));
    // An option whose length byte is 1: malformed, dropped.
    public static readonly Packet IPv4BadOption = new("ipv4-opt-bad", EtherType.IPv4, IPv4(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 17,
        [1, 1, 0x44, 1], Udp(40003, 53, 8), payload: 8));
    // The IP header alone: TCP, but no port bytes (the kernel refuses shorter IPv4 packets in BPF_PROG_TEST_RUN).
    public static readonly Packet IPv4HeaderOnly = new("ipv4-no-l4", EtherType.IPv4, IPv4Tcp.Network[..20]);
    public static readonly Packet Arp = new("arp", EtherType.Arp, [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);

    /// <summary>Every packet: each program is checked on each of them (C verdict = C# verdict, then map contents).</summary>
    public static readonly Packet[] All =
        [IPv4Tcp, IPv6Udp, IPv4UdpBlocked, IPv6TcpBlocked, IPv4Icmp, IPv4Fragment, IPv4RouterAlert, IPv4SourceRoute, IPv4StrictRoute, IPv4EndOfList, IPv4OptionsCut, IPv4BadOption, IPv4HeaderOnly, Arp];

    private static byte[] IPv4(IPAddress source, IPAddress destination, byte protocol, byte[] options, byte[] l4, int payload)
    {
        var header = 20 + options.Length;
        var p = new byte[header + l4.Length + payload];
        p[0] = (byte)(0x40 | header / 4);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), 0x4000);   // don't fragment
        p[8] = 64;
        p[9] = protocol;
        source.GetAddressBytes().CopyTo(p, 12);
        destination.GetAddressBytes().CopyTo(p, 16);
        options.CopyTo(p, 20);
        l4.CopyTo(p, header);
        return p;
    }

    private static byte[] IPv6(IPAddress source, IPAddress destination, byte nextHeader, byte[] l4, int payload)
    {
        var p = new byte[40 + l4.Length + payload];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(l4.Length + payload));
        p[6] = nextHeader;
        p[7] = 64;
        source.GetAddressBytes().CopyTo(p, 8);
        destination.GetAddressBytes().CopyTo(p, 24);
        l4.CopyTo(p, 40);
        return p;
    }

    private static byte[] Fragment(byte[] ip, int offsetIn8ByteUnits)
    {
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), (ushort)offsetIn8ByteUnits);
        return ip;
    }

    private static byte[] Ihl(byte[] ip, int words)
    {
        ip[0] = (byte)(0x40 | words);
        return ip;
    }

    private static byte[] Tcp(ushort source, ushort destination)
    {
        var t = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(t, source);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), destination);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 0x01020304);
        t[12] = 5 << 4;
        t[13] = 0x02;   // SYN
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(14), 64240);
        return t;
    }

    private static byte[] Udp(ushort source, ushort destination, int payload)
    {
        var u = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(u, source);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), destination);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), (ushort)(8 + payload));
        return u;
    }
}
