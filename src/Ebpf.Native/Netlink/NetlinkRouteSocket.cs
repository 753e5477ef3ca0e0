using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket (rtnetlink), closed on Dispose: the interface, qdisc, tc filter and legacy XDP requests.
/// The socket belongs to the network namespace it was opened in for its whole life, so an attachment that keeps
/// its socket detaches in the right namespace whichever thread disposes it. Requests are serialised; each carries
/// a sequence number and waits for its own acknowledgement, whose errno and extended-ack text become a
/// <see cref="NetlinkException"/>.
/// </summary>
public sealed unsafe partial class NetlinkRouteSocket : SafeHandle
{
    private const int ReceiveBufferSize = 64 * 1024; // larger than any dump batch the kernel sends (it caps at 32 KiB)
    private readonly Lock _lock = new();
    private uint _sequence;

    private NetlinkRouteSocket(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>
    /// Opens a socket in the calling thread's network namespace. For another namespace, open it on a thread that
    /// entered that namespace (<see cref="NetDevices.EnterNetworkNamespace"/>): it stays bound there after the thread leaves.
    /// </summary>
    public static NetlinkRouteSocket Open()
    {
        int fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) throw BpfErrors.FromPosix("socket(AF_NETLINK, NETLINK_ROUTE)", Marshal.GetLastPInvokeError(), null);
        var socket = new NetlinkRouteSocket(fd);
        int one = 1;
        // Extended acks carry the kernel's reason as text; capped acks do not echo our request back. Both are
        // optional (kernels before 4.12 lack them): without them errors still carry the errno.
        LibC.SetSockOpt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, &one, 4);
        LibC.SetSockOpt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, &one, 4);
        // The kernel answers every request at once; a bound wait turns a lost answer into an error, not a hang.
        long* timeout = stackalloc long[2] { 10, 0 };
        LibC.SetSockOpt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, 16);
        return socket;
    }

    internal delegate void ReplyHandler(ushort type, ReadOnlySpan<byte> payload);

    /// <summary>Sends a request (with NLM_F_ACK) and waits for its acknowledgement; replies before it go to <paramref name="onReply"/>.</summary>
    internal void Request(NetlinkMessageWriter message, string objectDescription, ReplyHandler? onReply = null) =>
        Exchange(message, objectDescription, (type, payload, _) =>
        {
            onReply?.Invoke(type, payload);
            return false; // a request ends with its acknowledgement
        });

    /// <summary>Sends a dump request and returns every reply (type and payload). An interrupted dump (the table changed meanwhile) is run again.</summary>
    internal List<(ushort Type, byte[] Payload)> Dump(NetlinkMessageWriter message, string objectDescription)
    {
        for (int attempt = 0; ; attempt++)
        {
            var replies = new List<(ushort, byte[])>();
            bool interrupted = false;
            Exchange(message, objectDescription, (type, payload, flags) =>
            {
                if ((flags & Nl.DumpIntr) != 0) interrupted = true;
                if (type == Nl.Done) return true;
                replies.Add((type, payload.ToArray()));
                return false;
            });
            if (!interrupted || attempt == 4)
                return replies;
        }
    }

    private delegate bool MessageHandler(ushort type, ReadOnlySpan<byte> payload, ushort flags);

    private void Exchange(NetlinkMessageWriter message, string objectDescription, MessageHandler onMessage)
    {
        string operation = Operation(message.Type);
        lock (_lock)
        {
            using var lease = new FdLease(this);
            uint sequence = ++_sequence;
            var bytes = message.Finish(sequence);
            fixed (byte* p = bytes)
            {
                if (LibC.Send(lease.Fd, p, (nuint)bytes.Length, 0) < 0)
                    throw BpfErrors.FromPosix($"send({operation})", Marshal.GetLastPInvokeError(), objectDescription);
            }
            var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
            try
            {
                while (true)
                {
                    nint received;
                    fixed (byte* p = buffer)
                        received = LibC.Recv(lease.Fd, p, (nuint)buffer.Length, 0);
                    if (received < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == SyscallErrno.EINTR) continue;
                        throw new NetlinkException(operation, errno, objectDescription, null,
                            errno == SyscallErrno.EAGAIN ? "The kernel did not answer within 10 s." : null);
                    }
                    var data = buffer.AsSpan(0, (int)received);
                    while (data.Length >= NlMsgHdr.Size)
                    {
                        var header = MemoryMarshal.Read<NlMsgHdr>(data);
                        if (header.Length < NlMsgHdr.Size || header.Length > data.Length) break;
                        var payload = data[NlMsgHdr.Size..(int)header.Length];
                        data = data[Math.Min(data.Length, Nl.Align((int)header.Length))..];
                        if (header.Sequence != sequence || header.Type == Nl.Noop)
                            continue; // an answer to an earlier request that was given up on
                        if (header.Type == Nl.Error)
                        {
                            int error = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -SyscallErrno.EIO;
                            if (error == 0) return; // the acknowledgement
                            throw Failure(operation, -error, objectDescription, KernelMessage(header.Flags, payload));
                        }
                        if (header.Type == Nl.Done && payload.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(payload) is var status and < 0)
                            throw Failure(operation, -status, objectDescription, KernelMessage(header.Flags, payload));
                        if (onMessage(header.Type, payload, header.Flags))
                            return;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The NLMSGERR_ATTR_MSG text of an extended ack, when the kernel sent one.</summary>
    internal static string? KernelMessage(ushort flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & Nl.AckTlvs) == 0 || payload.Length < 4 + NlMsgHdr.Size) return null;
        // struct nlmsgerr: the error, then our request's header, then its body unless capped; the TLVs follow.
        var echoed = MemoryMarshal.Read<NlMsgHdr>(payload[4..]);
        int offset = 4 + ((flags & Nl.Capped) != 0 ? NlMsgHdr.Size : Nl.Align((int)echoed.Length));
        if (offset > payload.Length) return null;
        foreach (var attribute in new NetlinkAttributes(payload[offset..]))
            if (attribute.Type == Nl.ErrAttrMsg)
                return attribute.String.TrimEnd();
        return null;
    }

    private static NetlinkException Failure(string operation, int errno, string objectDescription, string? kernelMessage) =>
        new(operation, errno, objectDescription, kernelMessage, errno switch
        {
            SyscallErrno.EPERM or SyscallErrno.EACCES => "Run as root or grant CAP_NET_ADMIN.",
            SyscallErrno.ENODEV => "No interface has this name or index in this network namespace.",
            _ => null,
        });

    private static string Operation(ushort type) => type switch
    {
        Nl.RtmNewLink => "RTM_NEWLINK", Nl.RtmGetLink => "RTM_GETLINK", Nl.RtmSetLink => "RTM_SETLINK",
        Nl.RtmNewQdisc => "RTM_NEWQDISC", Nl.RtmDelQdisc => "RTM_DELQDISC", Nl.RtmGetQdisc => "RTM_GETQDISC",
        Nl.RtmNewTFilter => "RTM_NEWTFILTER", Nl.RtmDelTFilter => "RTM_DELTFILTER", Nl.RtmGetTFilter => "RTM_GETTFILTER",
        _ => $"netlink message {type}",
    };

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
