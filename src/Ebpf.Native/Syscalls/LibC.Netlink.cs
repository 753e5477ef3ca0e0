using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>The libc entry points of the rtnetlink socket: socket, setsockopt, send, recv.</summary>
internal static unsafe partial class LibC
{
    public const int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    public const int SOL_SOCKET = 1, SO_RCVTIMEO = 20, SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nuint length, int flags);
}
