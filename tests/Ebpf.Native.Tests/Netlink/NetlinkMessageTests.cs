using System.Buffers.Binary;
using System.Text;
using Ebpf.Native.Netlink;

namespace Ebpf.Native.Tests.Netlink;

/// <summary>Netlink messages as bytes, no kernel: the layout the kernel checks, and parsing that never reads out of range.</summary>
public class NetlinkMessageTests
{
    [Fact]
    public void A_filter_request_has_the_kernels_layout_with_nested_lengths_and_padding()
    {
        var message = new NetlinkMessageWriter(44, 0x1 | 0x4);
        message.Header(new TcMsg { InterfaceIndex = 7, Parent = 0xFFFFFFF2, Info = (1u << 16) | 0x0300 });
        message.String(1, "bpf");                 // 4 + 4 bytes: no padding
        int nest = message.BeginNested(2);
        message.U32(6, 42);                       // TCA_BPF_FD
        message.String(7, "ab");                  // 4 + 3 bytes, padded to 8
        message.EndNested(nest);
        var bytes = message.Finish(sequence: 9).ToArray();

        Assert.Equal(16 + 20 + 8 + 4 + 8 + 8, bytes.Length);
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(44, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16 + 4)));
        Assert.Equal(0xFFFFFFF2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + 12)));
        int nested = 16 + 20 + 8;
        Assert.Equal(4 + 8 + 8, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(nested)));        // the nest covers its padded contents
        Assert.Equal(0x8000 | 2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(nested + 2))); // NLA_F_NESTED

        var attributes = new List<(ushort, string)>();
        foreach (var a in new NetlinkAttributes(bytes.AsSpan(16 + 20)))
        {
            attributes.Add((a.Type, a.Type == 1 ? a.String : ""));
            if (a.Type == 2)
                foreach (var o in a.Nested)
                    attributes.Add((o.Type, o.Type == 7 ? o.String : o.U32.ToString()));
        }
        Assert.Equal([(1, "bpf"), (2, ""), (6, "42"), (7, "ab")], attributes);
    }

    [Fact]
    public void A_truncated_or_oversized_attribute_ends_the_walk()
    {
        byte[] data = [8, 0, 1, 0, 1, 2, 3, 4, /* claims 40 bytes, has 6: */ 40, 0, 2, 0, 9, 9];
        var types = new List<ushort>();
        foreach (var a in new NetlinkAttributes(data))
            types.Add(a.Type);
        Assert.Equal([1], types);
        foreach (var a in new NetlinkAttributes(new byte[] { 2, 0, 1 }))
            Assert.Fail("an attribute shorter than its header was returned");
    }

    [Fact]
    public void An_extended_ack_yields_the_kernels_text()
    {
        // struct nlmsgerr as the kernel sends it with NETLINK_CAP_ACK: error, our capped header, then TLVs.
        var text = Encoding.UTF8.GetBytes("Filter already exists\0");
        var payload = new byte[4 + 16 + 4 + ((text.Length + 3) & ~3)];
        BinaryPrimitives.WriteInt32LittleEndian(payload, -17);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), 200); // the request's length: not echoed when capped
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(20), (ushort)(4 + text.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(22), 1);  // NLMSGERR_ATTR_MSG
        text.CopyTo(payload, 24);

        Assert.Equal("Filter already exists", NetlinkRouteSocket.KernelMessage(0x100 | 0x200, payload));
        Assert.Null(NetlinkRouteSocket.KernelMessage(0x100, payload));          // no NLM_F_ACK_TLVS: no text
        Assert.Null(NetlinkRouteSocket.KernelMessage(0x200, payload));          // not capped: the TLVs would lie past the echoed 200 bytes
        Assert.Null(NetlinkRouteSocket.KernelMessage(0x100 | 0x200, payload.AsSpan(0, 10)));
    }

    [Fact]
    public void The_exception_carries_errno_name_and_the_kernels_text()
    {
        var e = new NetlinkException("RTM_NEWTFILTER", SyscallErrno.EEXIST, "cls_bpf filter on interface 3", "Filter already exists", null);
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.StartsWith("RTM_NEWTFILTER for cls_bpf filter on interface 3 failed: EEXIST", e.Message);
        Assert.Contains("The kernel said: Filter already exists", e.Message);
        Assert.IsAssignableFrom<BpfException>(e);
    }
}
