using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>Inode numbers through statx(2), whose layout is the same on every architecture: a cgroup's id is its directory's inode.</summary>
public static unsafe partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxInoOffset = 32;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The inode number of <paramref name="path"/> (statx), following symbolic links.</summary>
    /// <exception cref="BpfSyscallException">statx failed (e.g. no such file).</exception>
    public static ulong Inode(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
            throw Errors.BpfErrors.FromPosix("statx", Marshal.GetLastPInvokeError(), $"path '{path}'");
        return *(ulong*)(buffer + StatxInoOffset);
    }

    /// <summary>The inode of an open file or directory: the object the descriptor holds, whatever its path is now.</summary>
    public static ulong Inode(SafeHandle handle)
    {
        var buffer = stackalloc byte[256];
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            int fd = (int)handle.DangerousGetHandle();
            if (Statx(fd, "", AtEmptyPath, StatxIno, buffer) != 0)
                throw Errors.BpfErrors.FromPosix("statx", Marshal.GetLastPInvokeError(), $"fd {fd}");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return *(ulong*)(buffer + StatxInoOffset);
    }
}
