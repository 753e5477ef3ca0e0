using System.Runtime.InteropServices;

namespace Ebpf.Object.Btf;

/// <summary>
/// Reads a raw BTF file into unmanaged memory. sysfs serves /sys/kernel/btf/* one 4 KiB page per read(2) call
/// (1,300 calls for vmlinux); kernels since 6.16 let it be mapped instead, which is several times faster, so that
/// is tried first. Regular files are read normally: a mapping of a file truncated meanwhile would fault (SIGBUS).
/// </summary>
internal static partial class BtfFileReader
{
    public static NativeBuffer Read(string path)
    {
        if (path.StartsWith("/sys/kernel/btf/", StringComparison.Ordinal) && TryMap(path) is { } mapped) return mapped;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        long len = fs.Length;
        if (len > Array.MaxLength) throw new BtfException($"BTF file '{path}' is {len} bytes, too large.");
        var buffer = new NativeBuffer((int)len);
        var span = buffer.Span;
        int read = 0;
        while (read < span.Length)
        {
            int n = fs.Read(span[read..]);
            if (n == 0) break;
            read += n;
        }
        if (read == span.Length && fs.ReadByte() < 0) return buffer;
        // The file changed size while we read it (or reports no size, like some pseudo files): read it plainly.
        var bytes = File.ReadAllBytes(path);
        var copy = new NativeBuffer(bytes.Length);
        bytes.CopyTo(copy.Span);
        return copy;
    }

    // MemoryMappedFile maps MAP_SHARED, which sysfs refuses for BTF (EACCES); a private read-only mapping is
    // what the kernel allows, so this one file calls libc directly.
    private const int ProtRead = 1, MapPrivate = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint addr, nuint length);

    private static unsafe NativeBuffer? TryMap(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long len = RandomAccess.GetLength(handle);
            if (len <= 0 || len > Array.MaxLength) return null;
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                nint p = mmap(0, (nuint)len, ProtRead, MapPrivate, (int)handle.DangerousGetHandle(), 0);
                if (p == -1) return null; // older kernels: sysfs refuses mmap; read it instead
                try
                {
                    var buffer = new NativeBuffer((int)len);
                    new ReadOnlySpan<byte>((void*)p, (int)len).CopyTo(buffer.Span);
                    return buffer;
                }
                finally { munmap(p, (nuint)len); }
            }
            finally { if (added) handle.DangerousRelease(); }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
