using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>Descriptors of ordinary paths that bpf(2) takes as targets: cgroup directories, network namespaces.</summary>
public static class NativeFiles
{
    /// <summary>open(path, O_RDONLY | O_CLOEXEC): works for directories too (which <see cref="File.OpenHandle"/> refuses).</summary>
    public static SafeFileHandle OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) throw BpfErrors.FromPosix("open", Marshal.GetLastPInvokeError(), $"path '{path}'");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// A second descriptor of the same open file (fcntl F_DUPFD_CLOEXEC), owned by the caller: it stays on the same
    /// cgroup or namespace if its path is renamed or reused meanwhile, which opening the path again would not.
    /// </summary>
    public static SafeFileHandle Duplicate(SafeHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added); // keep the number ours for the length of the call
        try
        {
            int original = (int)handle.DangerousGetHandle();
            int fd = LibC.DuplicateFd(original);
            if (fd < 0) throw BpfErrors.FromPosix("fcntl(F_DUPFD_CLOEXEC)", Marshal.GetLastPInvokeError(), $"fd {original}");
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
