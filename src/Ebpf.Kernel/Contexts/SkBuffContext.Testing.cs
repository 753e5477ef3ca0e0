namespace Ebpf.Kernel;

public sealed partial class SkBuffContext
{
    /// <summary>
    /// A context for running a program as plain .NET: <paramref name="packet"/> is what <c>skb->data</c> points at (from the
    /// IP header for cgroup_skb). Where not given, the EtherType, family and addresses come from the IP header as
    /// BPF_PROG_TEST_RUN sets them (<paramref name="direction"/> Egress: remote = destination, local = source; Ingress the
    /// reverse), so a test and the kernel see the same context for the same bytes. Ports are never guessed: pass them.
    /// </summary>
    /// <param name="remote">The peer's address, "10.1.2.3" or "2001:db8::1".</param>
    /// <param name="remotePort">Host order: 443 is 443.</param>
    [ManagedOnly]
    public static SkBuffContext ForTest(
        ReadOnlySpan<byte> packet,
        string? remote = null,
        string? local = null,
        ushort remotePort = 0,
        ushort localPort = 0,
        uint mark = 0,
        uint priority = 0,
        uint ifIndex = 1,
        CgroupSkbDirection direction = CgroupSkbDirection.Egress,
        EtherType? protocol = null,
        ulong socketCookie = 0,
        uint socketUid = 0,
        ulong cgroupId = 0)
    {
        var skb = new SkBuffContext(packet.ToArray());
        var proto = protocol ?? Sniff(packet, remote ?? local);
        skb.SetU32(Offsets.Len, (uint)packet.Length);
        skb.SetU32(Offsets.WireLen, (uint)packet.Length);
        skb.SetU32(Offsets.PktType, direction == CgroupSkbDirection.Egress ? 4u : 0u);   // PACKET_OUTGOING / PACKET_HOST
        skb.SetNetworkOrder16(Offsets.Protocol, (ushort)proto);
        skb.SetU32(Offsets.Mark, mark);
        skb.SetU32(Offsets.Priority, priority);
        skb.SetU32(Offsets.IfIndex, ifIndex);
        skb.SetU32(Offsets.IngressIfIndex, direction == CgroupSkbDirection.Ingress ? ifIndex : 0);
        skb.SetNetworkOrder16High(Offsets.RemotePort, remotePort);
        skb.SetU32(Offsets.LocalPort, localPort);
        skb._socketCookie = socketCookie;
        skb._socketUid = socketUid;
        skb._cgroupId = cgroupId;

        bool egress = direction == CgroupSkbDirection.Egress;
        if (proto == EtherType.IPv4 || IsV4(remote) || IsV4(local))
        {
            skb.SetU32(Offsets.Family, 2);
            uint src = 0, dst = 0;
            if (proto == EtherType.IPv4 && packet.Length >= 20)
            {
                src = BitConverter.ToUInt32(packet[12..]);
                dst = BitConverter.ToUInt32(packet[16..]);
            }
            skb.SetU32(Offsets.RemoteIp4, remote is null ? (egress ? dst : src) : Net.IPv4(remote));
            skb.SetU32(Offsets.LocalIp4, local is null ? (egress ? src : dst) : Net.IPv4(local));
        }
        else if (proto == EtherType.IPv6 || IsV6(remote) || IsV6(local))
        {
            skb.SetU32(Offsets.Family, 10);
            IPv6Address src = default, dst = default;
            if (proto == EtherType.IPv6 && packet.Length >= 40)
            {
                src = IPv6Address.FromBytes(packet.Slice(8, 16));
                dst = IPv6Address.FromBytes(packet.Slice(24, 16));
            }
            skb.SetIp6(Offsets.RemoteIp6, remote is null ? (egress ? dst : src) : Net.IPv6(remote));
            skb.SetIp6(Offsets.LocalIp6, local is null ? (egress ? src : dst) : Net.IPv6(local));
        }
        return skb;
    }

    private static bool IsV4(string? address) => address is not null && !address.Contains(':');
    private static bool IsV6(string? address) => address is not null && address.Contains(':');

    // The IP version nibble stands in for the Ethernet header cgroup_skb never sees; an address says it for an empty packet.
    private static EtherType Sniff(ReadOnlySpan<byte> packet, string? address)
    {
        if (packet.Length > 0)
            switch (packet[0] >> 4)
            {
                case 4: return EtherType.IPv4;
                case 6: return EtherType.IPv6;
            }
        return IsV4(address) ? EtherType.IPv4 : IsV6(address) ? EtherType.IPv6 : EtherType.None;
    }
}
