using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>Readiness bits of an epoll registration (EPOLLIN, ...).</summary>
[Flags]
public enum EpollEvents : uint
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>EPOLLIN: readable.</summary>
    In = 0x001,
    /// <summary>EPOLLOUT: writable.</summary>
    Out = 0x004,
    /// <summary>EPOLLERR: an error on the descriptor.</summary>
    Error = 0x008,
    /// <summary>EPOLLHUP: the other end hung up.</summary>
    HangUp = 0x010,
}

/// <summary>One ready descriptor as epoll_wait reports it: what is ready, and the number given at <see cref="EpollFd.Add"/>.</summary>
public readonly record struct EpollEvent(EpollEvents Events, ulong Data);

/// <summary>
/// An epoll instance (epoll_create1 with EPOLL_CLOEXEC), closed on Dispose. The event readers put their ring
/// buffer, perf event and wake-up descriptors in one, and wait on it off the thread pool.
/// </summary>
public sealed unsafe class EpollFd : SafeHandle
{
    private EpollFd(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Creates an epoll instance.</summary>
    /// <exception cref="BpfSyscallException">epoll_create1 failed (e.g. the descriptor limit).</exception>
    public static EpollFd Create()
    {
        int fd = LibC.EpollCreate1(LibC.EPOLL_CLOEXEC);
        if (fd < 0) throw BpfErrors.FromPosix("epoll_create1", Marshal.GetLastPInvokeError(), null);
        return new EpollFd(fd);
    }

    /// <summary>Watches <paramref name="fd"/> (level-triggered); <paramref name="data"/> comes back in each <see cref="EpollEvent"/>.</summary>
    /// <param name="what">Names the descriptor in an error ("ring buffer map 'events'").</param>
    /// <param name="fd">The descriptor to watch.</param>
    /// <param name="data">A number to tell the descriptor apart in the events.</param>
    /// <param name="events">The readiness to wait for.</param>
    public void Add(SafeHandle fd, ulong data, EpollEvents events = EpollEvents.In, string? what = null)
    {
        using var self = new FdLease(this);
        using var target = new FdLease(fd);
        byte* ev = stackalloc byte[16];
        *(uint*)ev = (uint)events;
        *(ulong*)(ev + LibC.EpollDataOffset) = data;
        if (LibC.EpollCtl(self.Fd, LibC.EPOLL_CTL_ADD, target.Fd, ev) < 0)
            throw BpfErrors.FromPosix("epoll_ctl(EPOLL_CTL_ADD)", Marshal.GetLastPInvokeError(), what);
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> milliseconds (-1: no limit, 0: just look) for ready descriptors and
    /// returns how many it wrote to <paramref name="events"/>; 0 on timeout or when a signal interrupted the wait (EINTR).
    /// </summary>
    public int Wait(Span<EpollEvent> events, int timeoutMs)
    {
        if (events.IsEmpty) throw new ArgumentException("Pass room for at least one event.", nameof(events));
        int max = Math.Min(events.Length, 64);
        byte* buffer = stackalloc byte[64 * 16];
        int n;
        using (var self = new FdLease(this))
            n = LibC.EpollWait(self.Fd, buffer, max, timeoutMs);
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == SyscallErrno.EINTR) return 0;
            throw BpfErrors.FromPosix("epoll_wait", errno, null);
        }
        for (int i = 0; i < n; i++)
        {
            byte* ev = buffer + i * LibC.EpollEventSize;
            events[i] = new EpollEvent((EpollEvents)(*(uint*)ev), *(ulong*)(ev + LibC.EpollDataOffset));
        }
        return n;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
