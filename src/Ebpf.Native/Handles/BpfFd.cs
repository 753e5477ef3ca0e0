using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>
/// A file descriptor that bpf(2) returned, closed on <see cref="SafeHandle.Dispose()"/> or by the finalizer.
/// Typed subclasses (<see cref="BpfMapFd"/>, <see cref="BpfProgramFd"/>, <see cref="BpfLinkFd"/>, <see cref="BpfBtfFd"/>)
/// let the compiler catch a program passed where a map belongs; this base type holds the rest (stats fds,
/// objects opened from a pin before their kind is known).
/// </summary>
public class BpfFd : SafeHandle
{
    internal BpfFd(int fd, BpfObjectKind kind, string? name) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Kind = kind;
        Name = name;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>What the descriptor refers to.</summary>
    public BpfObjectKind Kind { get; }

    /// <summary>The object's name (map or program name) or the pin path it was opened from, for error messages; may be null.</summary>
    public string? Name { get; }

    /// <summary>
    /// The descriptor number, for the places where the kernel wants it inside data rather than as an argument
    /// (an LD_IMM64 map reference, a program array value). Valid only while this handle is open.
    /// </summary>
    public int Fd
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    /// <summary>A second descriptor for the same kernel object (fcntl F_DUPFD_CLOEXEC), owned by the caller.</summary>
    public BpfFd Duplicate()
    {
        using var lease = new FdLease(this);
        int fd = LibC.DuplicateFd(lease.Fd);
        if (fd < 0) throw Errors.BpfErrors.FromPosix("fcntl(F_DUPFD_CLOEXEC)", Marshal.GetLastPInvokeError(), Describe());
        return WrapSameKind(fd);
    }

    private protected virtual BpfFd WrapSameKind(int fd) => new(fd, Kind, Name);

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;

    /// <summary>"map 'name'" / "program 'name'" / "fd 7", as error messages name the object.</summary>
    internal string Describe()
    {
        string kind = Kind switch
        {
            BpfObjectKind.Map => "map",
            BpfObjectKind.Program => "program",
            BpfObjectKind.Link => "link",
            BpfObjectKind.Btf => "BTF",
            _ => "object",
        };
        return Name is null ? $"{kind} (fd {(IsClosed ? -1 : (int)handle)})" : $"{kind} '{Name}'";
    }

    /// <summary>The kind and number of the descriptor, for messages.</summary>
    public override string ToString() => Describe();
}
