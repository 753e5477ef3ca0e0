using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>errno values the bpf(2) paths produce, with their symbolic names for messages.</summary>
public static class SyscallErrno
{
    /// <summary>The errno numbers (Linux, all architectures this library runs on).</summary>
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
        EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18,
        ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, EFBIG = 27,
        ENOSPC = 28, ESPIPE = 29, EROFS = 30, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EBADFD = 77, EOPNOTSUPP = 95, EADDRINUSE = 98,
        ETIMEDOUT = 110, ENOTSUPP = 524;

    /// <summary>"ENOENT" for 2; "errno 200" for numbers not in the table.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EIO => "EIO", ENXIO => "ENXIO",
        E2BIG => "E2BIG", ENOEXEC => "ENOEXEC", EBADF => "EBADF", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM",
        EACCES => "EACCES", EFAULT => "EFAULT", EBUSY => "EBUSY", EEXIST => "EEXIST", EXDEV => "EXDEV",
        ENODEV => "ENODEV", ENOTDIR => "ENOTDIR", EISDIR => "EISDIR", EINVAL => "EINVAL", ENFILE => "ENFILE",
        EMFILE => "EMFILE", ENOTTY => "ENOTTY", EFBIG => "EFBIG", ENOSPC => "ENOSPC", ESPIPE => "ESPIPE",
        EROFS => "EROFS", ERANGE => "ERANGE", EDEADLK => "EDEADLK", ENAMETOOLONG => "ENAMETOOLONG",
        ENOSYS => "ENOSYS", ENOTEMPTY => "ENOTEMPTY", ELOOP => "ELOOP", ENODATA => "ENODATA",
        EOVERFLOW => "EOVERFLOW", EBADFD => "EBADFD", EOPNOTSUPP => "EOPNOTSUPP", EADDRINUSE => "EADDRINUSE",
        ETIMEDOUT => "ETIMEDOUT", ENOTSUPP => "ENOTSUPP",
        _ => $"errno {errno}",
    };

    /// <summary>
    /// The kernel (or a driver) lacks the operation: EOPNOTSUPP, or ENOTSUPP, the kernel-internal 524 that bpf(2)
    /// returns from many paths. Every "not supported" check goes through this so none misses one of the two.
    /// </summary>
    public static bool IsNotSupported(int errno) => errno is EOPNOTSUPP or ENOTSUPP;

    /// <summary>The C library's text (strerror); ENOTSUPP is kernel-internal and has none there.</summary>
    public static string Description(int errno) => errno == ENOTSUPP
        ? "Operation not supported by this kernel"
        : Marshal.GetPInvokeErrorMessage(errno);
}
