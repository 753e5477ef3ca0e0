using Ebpf.Kernel;

namespace EbpfXdpCounter;

/// <summary>
/// The kernel side: runs on every packet arriving on the interface it is attached to, before the network stack, and counts
/// IPv4 packets per IP protocol (6 TCP, 17 UDP, 1 ICMP, ...). dotnet build compiles it to BPF; the tests call it as .NET.
/// </summary>
[License("GPL")]
public static class CounterProgram
{
    private const int EtherTypeOffset = 12;
    private const int ProtocolOffset = 14 + 9; // after the Ethernet header, the IPv4 header's protocol byte
    private const ushort IPv4EtherType = 0x0008; // 0x0800 in network byte order, as a little-endian load reads it

    /// <summary>Packets per IP protocol number.</summary>
    [Map] public static readonly ArrayMap<ulong> Protocols = new(maxEntries: 256);

    [Xdp]
    public static XdpAction Count(XdpContext ctx)
    {
        if (ctx.TryLoad(EtherTypeOffset, out ushort etherType) && etherType == IPv4EtherType && ctx.TryLoad(ProtocolOffset, out byte protocol))
            Protocols.Add(protocol, 1);
        return XdpAction.Pass; // counting only: every packet goes on to the stack
    }
}
