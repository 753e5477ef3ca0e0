using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

public sealed class ContextTests
{
    [Fact]
    public void SkBuff_fields_are_held_as_the_kernel_presents_them()
    {
        var skb = SkBuffContext.ForTest(Packets.IPv4("192.168.1.5", "10.1.2.3"), remotePort: 443, localPort: 40000, mark: 7, priority: 3, ifIndex: 2);
        Assert.Equal(EtherType.IPv4, skb.Protocol);
        Assert.Equal(AddressFamily.InterNetwork, skb.Family);
        Assert.Equal(Net.IPv4("10.1.2.3"), skb.RemoteIPv4);
        Assert.Equal(0x0302010Au, skb.RemoteIPv4);
        Assert.Equal(Net.IPv4("192.168.1.5"), skb.LocalIPv4);
        Assert.Equal(443, skb.RemotePort);
        Assert.Equal(40000, skb.LocalPort);
        Assert.Equal(7u, skb.Mark);
        Assert.Equal(3u, skb.Priority);
        Assert.Equal(2u, skb.IfIndex);

        // The image is what a BPF program loads: remote_port is network order in the high half, local_port host order,
        // protocol is a __be16 in the low half, family is AF_INET.
        var image = skb.ToKernelImage();
        Assert.Equal(192, image.Length);
        Assert.Equal(0xBB010000u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(SkBuffContext.Offsets.RemotePort)));
        Assert.Equal(40000u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(SkBuffContext.Offsets.LocalPort)));
        Assert.Equal(0x0008u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(SkBuffContext.Offsets.Protocol)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(SkBuffContext.Offsets.Family)));
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, image.AsSpan(SkBuffContext.Offsets.RemoteIp4, 4).ToArray());
    }

    [Fact]
    public void SkBuff_IPv6_context_has_family_10_in_the_kernel_and_InterNetworkV6_in_dotnet()
    {
        var skb = SkBuffContext.ForTest(Packets.IPv6("2001:db8::1", "2001:db8::2"), remotePort: 80);
        Assert.Equal(EtherType.IPv6, skb.Protocol);
        Assert.Equal(AddressFamily.InterNetworkV6, skb.Family);
        Assert.Equal(10u, BinaryPrimitives.ReadUInt32LittleEndian(skb.ToKernelImage().AsSpan(SkBuffContext.Offsets.Family)));
        Assert.Equal("2001:db8::2", skb.RemoteIPv6.ToString());
        Assert.Equal("2001:db8::1", skb.LocalIPv6.ToString());
        Assert.Equal(80, skb.RemotePort);
    }

    [Fact]
    public void SkBuff_writable_fields_and_stores()
    {
        var skb = SkBuffContext.ForTest([0x45, 0, 0, 0]);
        skb.Mark = 0x42;
        skb.Priority = 6;
        skb.Cb0 = 1;
        skb.Cb4 = 5;
        Assert.Equal(0x42u, skb.Mark);
        Assert.Equal(6u, skb.Priority);
        Assert.Equal(5u, skb.Cb4);
        Assert.True(skb.TryStore(2, (ushort)0xBEEF));
        Assert.False(skb.TryStore(3, (ushort)1));
        Assert.Equal(new byte[] { 0x45, 0, 0xEF, 0xBE }, skb.Packet.ToArray());
    }

    [Fact]
    public void SkBuff_without_IP_has_no_family()
    {
        var skb = SkBuffContext.ForTest([0x00, 0x01]);
        Assert.Equal(EtherType.None, skb.Protocol);
        Assert.Equal(AddressFamily.Unspecified, skb.Family);
        Assert.Equal(0u, skb.RemoteIPv4);
    }

    [Fact]
    public void Xdp_loads_stores_and_adjusts()
    {
        var frame = new byte[60];
        frame[12] = 0x08;   // EtherType IPv4
        var xdp = XdpContext.ForTest(frame, ingressIfIndex: 3, rxQueueIndex: 1);
        Assert.Equal(60, xdp.Length);
        Assert.Equal(3u, xdp.IngressIfIndex);
        Assert.Equal(1u, xdp.RxQueueIndex);
        Assert.True(xdp.TryLoad(12, out ushort etherType));
        Assert.Equal((ushort)EtherType.IPv4, Net.ToHost16(etherType));
        Assert.False(xdp.TryLoad(59, out ushort _));

        Assert.Equal(0, xdp.AdjustHead(-8));               // room for a header in front
        Assert.Equal(68, xdp.Length);
        Assert.True(xdp.TryLoad(20, out etherType));
        Assert.Equal((ushort)EtherType.IPv4, Net.ToHost16(etherType));
        Assert.Equal(0, xdp.AdjustHead(8));
        Assert.Equal(-Errno.EINVAL, xdp.AdjustHead(-XdpContext.Headroom));
        Assert.Equal(-Errno.EINVAL, xdp.AdjustHead(50));     // less than an Ethernet header would remain
        Assert.Equal(0, xdp.AdjustTail(-20));
        Assert.Equal(40, xdp.Length);
        Assert.Equal(-Errno.EINVAL, xdp.AdjustTail(XdpContext.Tailroom + 21));
    }

    [Fact]
    public void SockAddr_connect4_can_rewrite_address_and_port()
    {
        var ctx = BpfSockAddrContext.ForTest("10.0.0.1", 80);
        Assert.Equal(AddressFamily.InterNetwork, ctx.UserFamily);
        Assert.Equal(SocketType.Stream, ctx.SocketType);
        Assert.Equal(ProtocolType.Tcp, ctx.Protocol);
        Assert.Equal(80, ctx.UserPort);
        Assert.Equal(Net.IPv4("10.0.0.1"), ctx.UserIPv4);

        Assert.Equal(CgroupVerdict.Allow, Redirector.Connect4(ctx));
        Assert.Equal(8080, ctx.UserPort);
        Assert.Equal(Net.IPv4("127.0.0.1"), ctx.UserIPv4);
        // user_port holds a __be16 in the low half.
        Assert.Equal(0x901Fu, BinaryPrimitives.ReadUInt32LittleEndian(ctx.ToKernelImage().AsSpan(BpfSockAddrContext.Offsets.UserPort)));

        var udp6 = BpfSockAddrContext.ForTest("2001:db8::5", 53, SocketType.Dgram);
        Assert.Equal(AddressFamily.InterNetworkV6, udp6.Family);
        Assert.Equal(ProtocolType.Udp, udp6.Protocol);
        Assert.Equal(CgroupVerdict.Deny, Redirector.Connect4(BpfSockAddrContext.ForTest("10.9.9.9", 25)));
    }

    [Fact]
    public void Sysctl_helpers_copy_strings_as_the_kernel_does()
    {
        var read = SysctlContext.ForTest("net/ipv4/tcp_mem", "1 2 3\n");
        Assert.False(read.IsWrite);
        Span<byte> buf = stackalloc byte[32];
        Assert.Equal(16, read.GetName(buf));
        Assert.Equal("net/ipv4/tcp_mem", Encoding.ASCII.GetString(buf[..16]));
        Assert.Equal(0, buf[16]);
        Assert.Equal(7, read.GetName(buf, SysctlContext.BaseNameFlag));
        Assert.Equal("tcp_mem", Encoding.ASCII.GetString(buf[..7]));
        Assert.Equal(-Errno.E2BIG, read.GetName(buf[..4]));
        Assert.Equal("net", Encoding.ASCII.GetString(buf[..3]));
        Assert.Equal(0, buf[3]);
        Assert.Equal(6, read.GetCurrentValue(buf));
        Assert.Equal(-Errno.EINVAL, read.GetNewValue(buf));
        Assert.Equal(-Errno.EINVAL, read.SetNewValue("1"u8));

        var write = SysctlContext.ForTest("net/ipv4/ip_forward", "0\n", "1\n");
        Assert.True(write.IsWrite);
        Assert.Equal(2, write.GetNewValue(buf));
        Assert.Equal(0, write.SetNewValue("0\n"u8));
        Assert.Equal("0\n", write.NewValue);
        Assert.Equal(CgroupVerdict.Deny, SysctlGuard.Check(write));
        Assert.Equal(CgroupVerdict.Allow, SysctlGuard.Check(read));
    }

    [Fact]
    public void Device_access_splits_into_access_and_type()
    {
        var ctx = CgroupDeviceContext.ForTest(DeviceType.Char, DeviceAccess.Read | DeviceAccess.Write, 1, 3);
        Assert.Equal(DeviceType.Char, ctx.DeviceType);
        Assert.Equal(DeviceAccess.Read | DeviceAccess.Write, ctx.Access);
        Assert.Equal((6u << 16) | 2u, ctx.AccessType);
        Assert.Equal(1u, ctx.Major);
        Assert.Equal(3u, ctx.Minor);
    }

    [Fact]
    public void SockOps_reply_and_callback_flags()
    {
        var ctx = SockOpsContext.ForTest(SockOpsOp.TimeoutInit, "10.0.0.1", 40000, "10.0.0.2", 443);
        Assert.Equal(SockOpsOp.TimeoutInit, ctx.Op);
        Assert.Equal(443, ctx.RemotePort);
        Assert.Equal(40000, ctx.LocalPort);
        Assert.True(ctx.IsFullSocket);
        ctx.Reply = 200;
        Assert.Equal(200u, ctx.Arg0);   // reply shares args[0]
        Assert.Equal(0, ctx.SetCallbackFlags(0x4));
        Assert.Equal(4u, ctx.CallbackFlags);
        Assert.Equal(-Errno.EINVAL, ctx.SetCallbackFlags(0x100));
    }

    [Fact]
    public void CgroupSock_fields()
    {
        var ctx = CgroupSockContext.ForTest(AddressFamily.InterNetworkV6, SocketType.Dgram, source: "::1", sourcePort: 53);
        Assert.Equal(AddressFamily.InterNetworkV6, ctx.Family);
        Assert.Equal(ProtocolType.Udp, ctx.Protocol);
        Assert.Equal(53, ctx.SourcePort);
        Assert.Equal(Net.IPv6("::1"), ctx.SourceIPv6);
        ctx.Mark = 9;
        Assert.Equal(9u, ctx.Mark);
    }
}

// Small programs of other kinds, as a user would write them.
public static class Redirector
{
    [CgroupSockAddr(SockAddrHook.Connect4)]
    public static CgroupVerdict Connect4(BpfSockAddrContext ctx)
    {
        if (ctx.UserPort == 25) return CgroupVerdict.Deny;
        if (ctx.UserPort == 80)
        {
            ctx.UserIPv4 = Net.IPv4("127.0.0.1");
            ctx.UserPort = 8080;
        }
        return CgroupVerdict.Allow;
    }
}

public static class SysctlGuard
{
    [CgroupSysctl]
    public static CgroupVerdict Check(SysctlContext ctx) => ctx.IsWrite ? CgroupVerdict.Deny : CgroupVerdict.Allow;
}
