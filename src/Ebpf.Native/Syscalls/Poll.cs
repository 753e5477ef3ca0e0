using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// A file read without blocking in read(2): <see cref="Read(Span{byte}, CancellationToken)"/> waits in poll(2) on the file and on an eventfd, so a
/// cancellation or <see cref="Dispose"/> from another thread wakes it at once (no polling interval). Made for
/// character files that block until data arrives (tracefs's <c>trace_pipe</c>); the file is opened
/// O_RDONLY | O_NONBLOCK | O_CLOEXEC, as a non-seekable stream.
/// </summary>
public sealed class PollableFile : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly SafeFileHandle _wake;
    private volatile bool _disposed;

    private PollableFile(string path, SafeFileHandle file, SafeFileHandle wake)
    {
        Path = path; _file = file; _wake = wake;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for reading without blocking.</summary>
    public static PollableFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC | PollCalls.O_NONBLOCK, 0);
        if (fd < 0) throw BpfErrors.FromPosix("open", Marshal.GetLastPInvokeError(), $"path '{path}'");
        var file = new SafeFileHandle(fd, ownsHandle: true);
        int wake = PollCalls.EventFd(0, PollCalls.EFD_CLOEXEC | PollCalls.EFD_NONBLOCK);
        if (wake < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            file.Dispose();
            throw BpfErrors.FromPosix("eventfd", errno, $"the wake-up descriptor for '{path}'");
        }
        return new PollableFile(path, file, new SafeFileHandle(wake, ownsHandle: true));
    }

    /// <summary>
    /// Reads what the file has (up to <paramref name="buffer"/>'s length), waiting until it has something.
    /// Returns the bytes read, 0 at end of file. Throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled while waiting, <see cref="ObjectDisposedException"/> when the
    /// file is disposed meanwhile.
    /// </summary>
    public int Read(Span<byte> buffer, CancellationToken cancellationToken = default) => Read(buffer, -1, cancellationToken);

    /// <summary>As <see cref="Read(Span{byte}, CancellationToken)"/>, giving up after <paramref name="timeout"/>: then returns -1.</summary>
    public int Read(Span<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Read(buffer, timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue), cancellationToken);

    private unsafe int Read(Span<byte> buffer, int timeoutMs, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((PollableFile)s!).Wake(), this)
            : default;
        bool fileRef = false, wakeRef = false;
        try
        {
            // Held for the whole call: a concurrent Dispose closes the descriptors only after this returns.
            _file.DangerousAddRef(ref fileRef);
            _wake.DangerousAddRef(ref wakeRef);
            int fd = (int)_file.DangerousGetHandle(), wake = (int)_wake.DangerousGetHandle();
            var fds = stackalloc PollFd[2];
            long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                long n;
                fixed (byte* p = buffer) n = PollCalls.Read(fd, p, (nuint)buffer.Length);
                if (n >= 0) return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == SyscallErrno.EINTR) continue;
                if (errno != SyscallErrno.EAGAIN) throw BpfErrors.FromPosix("read", errno, $"path '{Path}'");

                int wait = timeoutMs < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
                if (timeoutMs >= 0 && wait == 0) return -1;
                fds[0] = new PollFd { Fd = fd, Events = PollCalls.POLLIN };
                fds[1] = new PollFd { Fd = wake, Events = PollCalls.POLLIN };
                int ready = PollCalls.Poll(fds, 2, wait);
                if (ready < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == SyscallErrno.EINTR) continue;
                    throw BpfErrors.FromPosix("poll", errno, $"path '{Path}'");
                }
                if ((fds[1].Revents & PollCalls.POLLIN) != 0)
                {
                    ulong counter;
                    PollCalls.Read(wake, &counter, sizeof(ulong)); // drains the wake-up; the loop then checks why it came
                }
            }
        }
        finally
        {
            if (wakeRef) _wake.DangerousRelease();
            if (fileRef) _file.DangerousRelease();
        }
    }

    /// <summary>Wakes a <see cref="Read(Span{byte}, CancellationToken)"/> blocked in poll(2) on another thread; it then re-checks cancellation and disposal.</summary>
    private unsafe void Wake()
    {
        bool added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            ulong one = 1;
            PollCalls.Write((int)_wake.DangerousGetHandle(), &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nothing is waiting on it.
        }
        finally
        {
            if (added) _wake.DangerousRelease();
        }
    }

    /// <summary>Wakes a blocked <see cref="Read(Span{byte}, CancellationToken)"/> (which then throws <see cref="ObjectDisposedException"/>) and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Wake();
        _file.Dispose();
        _wake.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}

/// <summary>mount(2) for the pseudo file systems the library needs (tracefs, bpffs).</summary>
public static class Mounts
{
    /// <summary>Mounts a file system of <paramref name="fileSystemType"/> at <paramref name="target"/>, source "none"-like <paramref name="source"/>.</summary>
    public static void Mount(string source, string target, string fileSystemType)
    {
        if (PollCalls.Mount(source, target, fileSystemType, 0, 0) != 0)
            throw BpfErrors.FromPosix("mount", Marshal.GetLastPInvokeError(), $"a {fileSystemType} at '{target}'");
    }

    /// <summary>Whether /proc/self/mounts lists a file system of <paramref name="fileSystemType"/> mounted at <paramref name="target"/>.</summary>
    public static bool IsMounted(string target, string fileSystemType)
    {
        string wanted = target.TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[1] == wanted && fields[2] == fileSystemType) return true;
        }
        return false;
    }
}

// Its own class, not a part of LibC: the event readers' LibC.Events.cs declares read/write/eventfd too.
internal static unsafe partial class PollCalls
{
    private const string Lib = "libc";

    public const int O_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public const short POLLIN = 1;

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollableFile.PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(Lib, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string fileSystemType, nuint flags, nint data);
}
