using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>Inode numbers through statx(2), whose layout is the same on every architecture: a cgroup's id is its directory's inode.</summary>
public static unsafe partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxInoOffset = 32;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    public static ulong Inode(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
            throw Errors.BpfErrors.FromPosix("statx", Marshal.GetLastPInvokeError(), $"path '{path}'");
        return *(ulong*)(buffer + StatxInoOffset);
    }
}
