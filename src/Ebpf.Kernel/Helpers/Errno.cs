namespace Ebpf.Kernel;

/// <summary>The errno values helpers and map operations return negated (-ENOENT), as the kernel does.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, E2BIG = 7, ENOMEM = 12, EFAULT = 14, EBUSY = 16, EEXIST = 17, EINVAL = 22, EAGAIN = 11, ENOSPC = 28, ERANGE = 34, EOPNOTSUPP = 95;
}
