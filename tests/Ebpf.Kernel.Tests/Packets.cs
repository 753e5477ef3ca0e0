using System.Buffers.Binary;
using System.Net;

namespace Ebpf.Kernel.Tests;

/// <summary>Builds IP packets (from the network header, as cgroup_skb sees them).</summary>
internal static class Packets
{
    public const byte Tcp = 6, Udp = 17, Icmp = 1;

    public static byte[] IPv4(string source, string destination, byte protocol = Udp, ushort sourcePort = 40000, ushort destinationPort = 53, int payload = 8)
    {
        int l4 = protocol == Tcp ? 20 : 8;
        var p = new byte[20 + l4 + payload];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = protocol;
        IPAddress.Parse(source).TryWriteBytes(p.AsSpan(12), out _);
        IPAddress.Parse(destination).TryWriteBytes(p.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), destinationPort);
        return p;
    }

    public static byte[] IPv6(string source, string destination, byte protocol = Udp, ushort sourcePort = 40000, ushort destinationPort = 53, int payload = 8)
    {
        int l4 = protocol == Tcp ? 20 : 8;
        var p = new byte[40 + l4 + payload];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(l4 + payload));
        p[6] = protocol;
        p[7] = 64;
        IPAddress.Parse(source).TryWriteBytes(p.AsSpan(8), out _);
        IPAddress.Parse(destination).TryWriteBytes(p.AsSpan(24), out _);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(40), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(42), destinationPort);
        return p;
    }
}
