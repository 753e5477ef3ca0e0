using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>Why a sock_ops program runs (BPF_SOCK_OPS_*; a test checks the values against the kernel's BTF).</summary>
public enum SockOpsOp : uint
{
    Void = 0,
    TimeoutInit = 1,
    RwndInit = 2,
    TcpConnectCb = 3,
    ActiveEstablishedCb = 4,
    PassiveEstablishedCb = 5,
    NeedsEcn = 6,
    BaseRtt = 7,
    RtoCb = 8,
    RetransCb = 9,
    StateCb = 10,
    TcpListenCb = 11,
    RttCb = 12,
    ParseHdrOptCb = 13,
    HdrOptLenCb = 14,
    WriteHdrOptCb = 15,
}

/// <summary>
/// The context of sock_ops programs: <c>struct bpf_sock_ops</c>, a TCP socket at one of the points of <see cref="SockOpsOp"/>.
/// The program answers through <see cref="Reply"/> (e.g. an initial RTO) and returns 1.
/// </summary>
[KernelStruct("bpf_sock_ops", 224)]
public sealed class SockOpsContext : BpfContext
{
    public static class Offsets
    {
        public const int Op = 0, Args = 4, Reply = 4, Family = 20, RemoteIp4 = 24, LocalIp4 = 28, RemoteIp6 = 32, LocalIp6 = 48;
        public const int RemotePort = 64, LocalPort = 68, IsFullsock = 72, SndCwnd = 76, SrttUs = 80, CbFlags = 84, State = 88;
        public const int RttMin = 92, SndSsthresh = 96, RcvNxt = 100, SndNxt = 104, SndUna = 108, MssCache = 112, TotalRetrans = 136;
        public const int SegsIn = 140, SegsOut = 148, BytesReceived = 168, BytesAcked = 176, SkbLen = 208, SkbTcpFlags = 212;
        public const int Size = 224;
    }

    private SockOpsContext() : base(Offsets.Size) { }

    /// <summary>A context for <paramref name="op"/> on a connection between <paramref name="local"/> and <paramref name="remote"/> (ports in host order).</summary>
    [ManagedOnly]
    public static SockOpsContext ForTest(SockOpsOp op, string local, ushort localPort, string remote, ushort remotePort,
        uint arg0 = 0, uint arg1 = 0, uint arg2 = 0, uint arg3 = 0, uint state = 1, uint sndCwnd = 10, uint srttUs = 0)
    {
        var ctx = new SockOpsContext();
        ctx.SetU32(Offsets.Op, (uint)op);
        ctx.SetU32(Offsets.Args, arg0);
        ctx.SetU32(Offsets.Args + 4, arg1);
        ctx.SetU32(Offsets.Args + 8, arg2);
        ctx.SetU32(Offsets.Args + 12, arg3);
        ctx.SetAddresses(remote, local, Offsets.Family, Offsets.RemoteIp4, Offsets.LocalIp4, Offsets.RemoteIp6, Offsets.LocalIp6);
        ctx.SetNetworkOrder16High(Offsets.RemotePort, remotePort);
        ctx.SetU32(Offsets.LocalPort, localPort);
        ctx.SetU32(Offsets.IsFullsock, 1);
        ctx.SetU32(Offsets.State, state);
        ctx.SetU32(Offsets.SndCwnd, sndCwnd);
        ctx.SetU32(Offsets.SrttUs, srttUs);
        return ctx;
    }

    [ContextField("op", Offsets.Op, 4)]
    public SockOpsOp Op => (SockOpsOp)U32(Offsets.Op);

    [ContextField("args[0]", Offsets.Args, 4)]
    public uint Arg0 => U32(Offsets.Args);
    [ContextField("args[1]", Offsets.Args + 4, 4)]
    public uint Arg1 => U32(Offsets.Args + 4);
    [ContextField("args[2]", Offsets.Args + 8, 4)]
    public uint Arg2 => U32(Offsets.Args + 8);
    [ContextField("args[3]", Offsets.Args + 12, 4)]
    public uint Arg3 => U32(Offsets.Args + 12);

    /// <summary>The program's answer for ops that ask one (TimeoutInit, RwndInit, NeedsEcn, ...); shares its storage with args[0].</summary>
    [ContextField("reply", Offsets.Reply, 4, Writable = true)]
    public uint Reply { get => U32(Offsets.Reply); set => SetU32(Offsets.Reply, value); }

    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    [ContextField("remote_ip4", Offsets.RemoteIp4, 4)]
    public uint RemoteIPv4 => U32(Offsets.RemoteIp4);

    [ContextField("local_ip4", Offsets.LocalIp4, 4)]
    public uint LocalIPv4 => U32(Offsets.LocalIp4);

    [ContextField("remote_ip6", Offsets.RemoteIp6, 16)]
    public IPv6Address RemoteIPv6 => Ip6(Offsets.RemoteIp6);

    [ContextField("local_ip6", Offsets.LocalIp6, 16)]
    public IPv6Address LocalIPv6 => Ip6(Offsets.LocalIp6);

    /// <summary>Host order; the kernel keeps it network-order in the field's high half, as in __sk_buff.</summary>
    [ContextField("remote_port", Offsets.RemotePort, 4, Conversion = ContextFieldConversion.NetworkOrder16High)]
    public ushort RemotePort => NetworkOrder16High(Offsets.RemotePort);

    [ContextField("local_port", Offsets.LocalPort, 4)]
    public ushort LocalPort => (ushort)U32(Offsets.LocalPort);

    /// <summary>False for request and time-wait sockets, whose TCP fields read as 0.</summary>
    [ContextField("is_fullsock", Offsets.IsFullsock, 4, Conversion = ContextFieldConversion.Boolean)]
    public bool IsFullSocket => U32(Offsets.IsFullsock) != 0;

    [ContextField("snd_cwnd", Offsets.SndCwnd, 4)]
    public uint SendCongestionWindow => U32(Offsets.SndCwnd);

    [ContextField("srtt_us", Offsets.SrttUs, 4)]
    public uint SmoothedRttMicroseconds => U32(Offsets.SrttUs);

    /// <summary>BPF_SOCK_OPS_*_CB_FLAG bits enabled; change them with <see cref="SetCallbackFlags"/>.</summary>
    [ContextField("bpf_sock_ops_cb_flags", Offsets.CbFlags, 4)]
    public uint CallbackFlags => U32(Offsets.CbFlags);

    /// <summary>TCP state (BPF_TCP_ESTABLISHED = 1, ...).</summary>
    [ContextField("state", Offsets.State, 4)]
    public uint State => U32(Offsets.State);

    [ContextField("rtt_min", Offsets.RttMin, 4)]
    public uint RttMin => U32(Offsets.RttMin);

    [ContextField("snd_ssthresh", Offsets.SndSsthresh, 4)]
    public uint SendSlowStartThreshold => U32(Offsets.SndSsthresh);

    [ContextField("rcv_nxt", Offsets.RcvNxt, 4)]
    public uint ReceiveNext => U32(Offsets.RcvNxt);

    [ContextField("snd_nxt", Offsets.SndNxt, 4)]
    public uint SendNext => U32(Offsets.SndNxt);

    [ContextField("snd_una", Offsets.SndUna, 4)]
    public uint SendUnacknowledged => U32(Offsets.SndUna);

    [ContextField("mss_cache", Offsets.MssCache, 4)]
    public uint MssCache => U32(Offsets.MssCache);

    [ContextField("total_retrans", Offsets.TotalRetrans, 4)]
    public uint TotalRetransmits => U32(Offsets.TotalRetrans);

    [ContextField("segs_in", Offsets.SegsIn, 4)]
    public uint SegmentsIn => U32(Offsets.SegsIn);

    [ContextField("segs_out", Offsets.SegsOut, 4)]
    public uint SegmentsOut => U32(Offsets.SegsOut);

    [ContextField("bytes_received", Offsets.BytesReceived, 8)]
    public ulong BytesReceived => U64(Offsets.BytesReceived);

    [ContextField("bytes_acked", Offsets.BytesAcked, 8)]
    public ulong BytesAcked => U64(Offsets.BytesAcked);

    [ContextField("skb_len", Offsets.SkbLen, 4)]
    public uint SkbLength => U32(Offsets.SkbLen);

    [ContextField("skb_tcp_flags", Offsets.SkbTcpFlags, 4)]
    public uint SkbTcpFlags => U32(Offsets.SkbTcpFlags);

    /// <summary>Enables the callbacks in <paramref name="flags"/> (BPF_SOCK_OPS_*_CB_FLAG): bpf_sock_ops_cb_flags_set. 0, or -EINVAL for unknown bits (0x7f are known).</summary>
    [Helper(59, "sock_ops_cb_flags_set")]
    public int SetCallbackFlags(int flags)
    {
        const int all = 0x7f;   // BPF_SOCK_OPS_ALL_CB_FLAGS as of 6.x
        SetU32(Offsets.CbFlags, (uint)(flags & all));
        return (flags & ~all) != 0 ? -Errno.EINVAL : 0;
    }
}
