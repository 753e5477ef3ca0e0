using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>The first four bytes of TCP, UDP and SCTP headers: the ports, network order (<see cref="Net.ToHost16"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TransportPorts
{
    public ushort SourcePort;
    public ushort DestinationPort;
}

/// <summary>The UDP header (<c>struct udphdr</c>), network order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct UdpHeader
{
    public ushort SourcePort;
    public ushort DestinationPort;
    public ushort Length;
    public ushort Checksum;
}

/// <summary>The fixed TCP header (<c>struct tcphdr</c>), 20 bytes, network order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcpHeader
{
    public ushort SourcePort;
    public ushort DestinationPort;
    public uint Sequence;
    public uint Acknowledgment;
    /// <summary>Data offset in 32-bit words (high 4 bits of the first byte), then the flags (FIN is bit 0 of the second byte).</summary>
    public ushort OffsetAndFlags;
    public ushort Window;
    public ushort Checksum;
    public ushort UrgentPointer;

    /// <summary>Header length in bytes, options included.</summary>
    public readonly int HeaderLength => ((OffsetAndFlags & 0xff) >> 4) * 4;

    /// <summary>The flag byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20.</summary>
    public readonly byte Flags => (byte)(OffsetAndFlags >> 8);
}

/// <summary>The ICMP and ICMPv6 header's first 8 bytes (<c>struct icmphdr</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IcmpHeader
{
    public byte Type;
    public byte Code;
    public ushort Checksum;
    /// <summary>Identifier and sequence for echo, otherwise type-specific.</summary>
    public uint Rest;
}
