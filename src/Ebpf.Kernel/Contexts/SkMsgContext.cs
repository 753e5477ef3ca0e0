using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>
/// The context of sk_msg programs: <c>struct sk_msg_md</c>, one message a socket of a sockmap or sockhash sends (sendmsg,
/// sendfile). The message bytes run from <c>data</c> to <c>data_end</c>, both 64-bit pointers the compiler handles in
/// <see cref="TryLoad{T}"/>; only the bytes <see cref="PullData"/> made linear are there (none, at first, for sendfile).
/// </summary>
[KernelStruct("sk_msg_md", 80)]
public sealed class SkMsgContext : BpfContext
{
    public static class Offsets
    {
        public const int Data = 0, DataEnd = 8, Family = 16, RemoteIp4 = 20, LocalIp4 = 24, RemoteIp6 = 28, LocalIp6 = 44;
        public const int RemotePort = 60, LocalPort = 64, Size = 68, Sk = 72;
        public const int StructSize = 80;
    }

    private readonly byte[] _message;
    private int _start, _end;

    private SkMsgContext(byte[] message) : base(Offsets.StructSize) => _message = message;

    /// <summary>
    /// A context for <paramref name="message"/>, sent from <paramref name="local"/> to <paramref name="remote"/> (ports in
    /// host order). <paramref name="linear"/> bytes are between data and data_end before any <see cref="PullData"/>
    /// (all of them when null, as for a small sendmsg).
    /// </summary>
    [ManagedOnly]
    public static SkMsgContext ForTest(ReadOnlySpan<byte> message, string local = "127.0.0.1", ushort localPort = 0,
        string remote = "127.0.0.1", ushort remotePort = 0, int? linear = null)
    {
        var ctx = new SkMsgContext(message.ToArray());
        ctx._end = Math.Clamp(linear ?? message.Length, 0, message.Length);
        ctx.SetAddresses(remote, local, Offsets.Family, Offsets.RemoteIp4, Offsets.LocalIp4, Offsets.RemoteIp6, Offsets.LocalIp6);
        ctx.SetNetworkOrder16High(Offsets.RemotePort, remotePort);
        ctx.SetU32(Offsets.LocalPort, localPort);
        ctx.SetU32(Offsets.Size, (uint)message.Length);
        return ctx;
    }

    [ContextField("family", Offsets.Family, 4, Conversion = ContextFieldConversion.AddressFamily)]
    public AddressFamily Family => Net.ToAddressFamily(U32(Offsets.Family));

    /// <summary>The peer's IPv4 address, network byte order as the kernel holds it.</summary>
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

    /// <summary>The whole message's length, linear or not.</summary>
    [ContextField("size", Offsets.Size, 4)]
    public uint Size => U32(Offsets.Size);

    /// <summary>Reads message bytes at <paramref name="offset"/> from data; false (value zeroed) when past data_end.</summary>
    [Intrinsic(IntrinsicKind.PacketLoad)]
    public bool TryLoad<T>(int offset, out T value) where T : unmanaged => TryRead(Data, offset, out value);

    /// <summary>
    /// Makes bytes [<paramref name="start"/>, <paramref name="end"/>) of the message linear and points data and data_end at
    /// them: bpf_msg_pull_data. 0, or -EINVAL when the range is empty or past the message.
    /// </summary>
    [Helper(63, "msg_pull_data")]
    public int PullData(uint start, uint end, ulong flags = 0)
    {
        if (start >= end || end > (uint)_message.Length) return -Errno.EINVAL;
        (_start, _end) = ((int)start, (int)end);
        return 0;
    }

    /// <summary>
    /// Sends the message to the socket in slot <paramref name="key"/> of <paramref name="map"/> instead: to its receive queue
    /// with <see cref="SocketRedirect.Ingress"/>, else out of it: bpf_msg_redirect_map. <see cref="SkVerdict.Pass"/> when the
    /// slot holds a socket, else <see cref="SkVerdict.Drop"/>; return it from the program.
    /// </summary>
    [Helper(60, "msg_redirect_map")]
    public SkVerdict Redirect(SockMap map, uint key, SocketRedirect flags = SocketRedirect.Egress)
    {
        if (!map.Holds(key)) return SkVerdict.Drop;
        LastRedirect = (key, flags);
        return SkVerdict.Pass;
    }

    /// <summary>The slot and direction of the last successful <see cref="Redirect"/> (managed only).</summary>
    [ManagedOnly]
    public (uint Key, SocketRedirect Flags)? LastRedirect { get; private set; }

    /// <summary>The bytes from data to data_end now, for assertions.</summary>
    [ManagedOnly]
    public ReadOnlySpan<byte> Data => _message.AsSpan(_start, _end - _start);
}
