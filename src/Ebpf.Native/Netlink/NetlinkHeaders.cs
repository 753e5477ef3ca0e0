using System.Runtime.InteropServices;

namespace Ebpf.Native.Netlink;

/// <summary>struct nlmsghdr: every netlink message starts with it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Length;
    public ushort Type;
    public ushort Flags;
    public uint Sequence;
    public uint PortId;

    public const int Size = 16;
}

/// <summary>struct tcmsg: the family header of qdisc and filter messages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcMsg
{
    public byte Family;
    private byte _pad1;
    private ushort _pad2;
    public int InterfaceIndex;
    public uint Handle;
    public uint Parent;
    /// <summary>Filters: priority in the upper 16 bits, protocol (network byte order) in the lower.</summary>
    public uint Info;
}

/// <summary>struct ifinfomsg: the family header of link messages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    public byte Family;
    private byte _pad;
    public ushort Type;
    public int Index;
    public uint Flags;
    public uint Change;
}

/// <summary>Message types, flags and attribute numbers from linux/netlink.h, rtnetlink.h, pkt_sched.h, pkt_cls.h and if_link.h.</summary>
internal static class Nl
{
    // nlmsghdr types
    public const ushort Noop = 1, Error = 2, Done = 3;
    public const ushort RtmNewLink = 16, RtmGetLink = 18, RtmSetLink = 19;
    public const ushort RtmNewQdisc = 36, RtmDelQdisc = 37, RtmGetQdisc = 38;
    public const ushort RtmNewTFilter = 44, RtmDelTFilter = 45, RtmGetTFilter = 46;

    // nlmsghdr flags
    public const ushort Request = 0x1, Multi = 0x2, Ack = 0x4, Echo = 0x8, DumpIntr = 0x10;
    public const ushort Root = 0x100, Match = 0x200, Dump = Root | Match;
    public const ushort Replace = 0x100, Excl = 0x200, Create = 0x400;
    /// <summary>In an NLMSG_ERROR: the echoed request was capped to its header / extended-ack TLVs follow.</summary>
    public const ushort Capped = 0x100, AckTlvs = 0x200;

    // struct nlmsgerr TLVs
    public const ushort ErrAttrMsg = 1;

    public const ushort AttrNested = 0x8000, AttrTypeMask = 0x3fff;

    // tc
    public const ushort TcaKind = 1, TcaOptions = 2, TcaChain = 11;
    public const ushort TcaBpfFd = 6, TcaBpfName = 7, TcaBpfFlags = 8, TcaBpfId = 11, TcaBpfTag = 10;
    public const uint TcaBpfFlagActDirect = 1;
    public const uint TcHClsact = 0xFFFFFFF1, TcHMinIngress = 0xFFF2, TcHMinEgress = 0xFFF3;
    public const ushort EthPAll = 0x0003;

    // links
    public const ushort IflaIfName = 3, IflaExtMask = 29, IflaXdp = 43;
    public const ushort IflaXdpFd = 1, IflaXdpAttached = 2, IflaXdpFlags = 3, IflaXdpProgId = 4,
        IflaXdpDrvProgId = 5, IflaXdpSkbProgId = 6, IflaXdpHwProgId = 7, IflaXdpExpectedFd = 8;
    public const uint RtextFilterSkipStats = 1 << 3;

    public static uint TcHandle(uint major, uint minor) => (major & 0xFFFF0000u) | (minor & 0x0000FFFFu);

    public static int Align(int length) => (length + 3) & ~3;
}
