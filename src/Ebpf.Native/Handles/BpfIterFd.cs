using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// One run of an iterator (BPF_ITER_CREATE): reading it runs the iterator program over its objects and returns
/// what the program printed; read(2) returns 0 at the end. A new run needs a new descriptor.
/// </summary>
public sealed class BpfIterFd : SafeHandle
{
    internal BpfIterFd(int fd, string? name) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Name = name;
    }

    /// <summary>The iterator program's name, for error messages.</summary>
    public string? Name { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Reads the next bytes of the iterator's output; 0 at the end.</summary>
    public unsafe int Read(Span<byte> buffer)
    {
        using var lease = new FdLease(this);
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = PollCalls.Read(lease.Fd, p, (nuint)buffer.Length);
            if (n >= 0) return (int)n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == SyscallErrno.EINTR) continue;
            throw BpfErrors.FromPosix("read", errno, $"iterator of program '{Name}'");
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
