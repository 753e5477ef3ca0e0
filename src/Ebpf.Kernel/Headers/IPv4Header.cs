using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// The fixed IPv4 header (<c>struct iphdr</c>), fields as they are on the wire: multi-byte fields in network order
/// (<see cref="Source"/> and <see cref="Destination"/> compare with <see cref="SkBuffContext.RemoteIPv4"/> and
/// <see cref="Net.IPv4(string)"/> as they are). Read it with <c>skb.TryLoad(0, out IPv4Header ip)</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct IPv4Header
{
    /// <summary>Version in the high 4 bits, header length in 32-bit words (IHL) in the low 4.</summary>
    public byte VersionIhl;
    public byte Tos;
    public ushort TotalLength;
    public ushort Id;
    /// <summary>Flags in the top 3 bits (DF, MF), the fragment offset in 8-byte units below.</summary>
    public ushort FragmentOffset;
    public byte Ttl;
    /// <summary>An <see cref="IpProtocol"/> number.</summary>
    public byte Protocol;
    public ushort Checksum;
    public uint Source;
    public uint Destination;

    public readonly int Version => VersionIhl >> 4;

    /// <summary>Header length in bytes, options included: where the transport header starts.</summary>
    public readonly int HeaderLength => (VersionIhl & 0x0F) * 4;

    /// <summary>Not the first fragment: the transport header is in another packet.</summary>
    public readonly bool IsLaterFragment => (Net.ToHost16(FragmentOffset) & 0x1FFF) != 0;
}
