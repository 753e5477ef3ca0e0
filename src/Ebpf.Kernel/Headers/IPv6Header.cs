using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>The fixed IPv6 header (<c>struct ipv6hdr</c>), 40 bytes, fields as they are on the wire.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct IPv6Header
{
    /// <summary>Version (4 bits), traffic class (8) and flow label (20), network order.</summary>
    public uint VersionClassFlow;
    public ushort PayloadLength;
    /// <summary>An <see cref="IpProtocol"/> number, or an extension header's.</summary>
    public byte NextHeader;
    public byte HopLimit;
    public IPv6Address Source;
    public IPv6Address Destination;
}
