using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// A non-blocking eventfd (EFD_CLOEXEC | EFD_NONBLOCK), closed on Dispose. Put in an epoll set beside the rings,
/// <see cref="Signal"/> wakes a thread blocked in epoll_wait: the readers use it for cancellation and Dispose.
/// </summary>
public sealed unsafe class EventFd : SafeHandle
{
    private EventFd(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Creates a non-blocking eventfd with a count of 0.</summary>
    /// <exception cref="BpfSyscallException">eventfd failed.</exception>
    public static EventFd Create()
    {
        int fd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) throw BpfErrors.FromPosix("eventfd", Marshal.GetLastPInvokeError(), null);
        return new EventFd(fd);
    }

    /// <summary>Makes the descriptor readable (adds 1 to its counter). Safe to call after Dispose: then it does nothing.</summary>
    public void Signal()
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        try
        {
            ulong one = 1;
            // EAGAIN only when the counter would overflow: it is readable already, which is all a wake-up needs.
            LibC.Write((int)DangerousGetHandle(), &one, 8);
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }

    /// <summary>Reads the counter back to zero (not readable any more); false when it was zero already.</summary>
    public bool Reset()
    {
        using var lease = new FdLease(this);
        ulong value;
        return LibC.Read(lease.Fd, &value, 8) == 8;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
