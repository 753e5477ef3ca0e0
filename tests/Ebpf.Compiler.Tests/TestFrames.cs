using System.Buffers.Binary;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Packets for BPF_PROG_TEST_RUN of sk_buff programs: the kernel takes an Ethernet frame, and a cgroup_skb program (and
/// its .NET run through <c>SkBuffContext.ForTest</c>) sees the network packet after the Ethernet header.
/// </summary>
internal static class TestFrames
{
    /// <summary>An IPv4 packet of <paramref name="length"/> bytes: version 4, a 20-byte header, its total length; zeros after.</summary>
    public static byte[] IPv4Packet(int length)
    {
        var ip = new byte[length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)length);
        return ip;
    }

    /// <summary>The frame the test run takes: an Ethernet header of <paramref name="protocol"/>, then the packet.</summary>
    public static byte[] Ethernet(ReadOnlySpan<byte> packet, EtherType protocol = EtherType.IPv4)
    {
        var frame = new byte[14 + packet.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)protocol);
        packet.CopyTo(frame.AsSpan(14));
        return frame;
    }
}
