using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native.Netlink;

/// <summary>
/// An open network namespace file (<c>/run/netns/NAME</c>, <c>/proc/PID/ns/net</c>). A netlink socket opened
/// with it (<see cref="NetlinkRouteSocket.Open(NetworkNamespaceHandle?)"/>) talks to that namespace's interfaces.
/// </summary>
public sealed class NetworkNamespaceHandle : SafeHandle
{
    private NetworkNamespaceHandle(int fd, string path) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Path = path;
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    public string Path { get; }

    public static NetworkNamespaceHandle Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
            throw BpfErrors.FromPosix("open", Marshal.GetLastPInvokeError(), $"network namespace '{path}'");
        return new NetworkNamespaceHandle(fd, path);
    }

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;

    public override string ToString() => Path;
}
