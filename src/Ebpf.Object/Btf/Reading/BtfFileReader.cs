using System.IO.MemoryMappedFiles;

namespace Ebpf.Object.Btf;

/// <summary>
/// Reads a raw BTF file into unmanaged memory. sysfs serves /sys/kernel/btf/* one 4 KiB page per read(2) call
/// (1,300 calls for vmlinux); kernels since 6.16 let it be mapped instead, which is several times faster, so that
/// is tried first. Regular files are read normally: a mapping of a file truncated meanwhile would fault (SIGBUS).
/// </summary>
internal static class BtfFileReader
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

    private static unsafe NativeBuffer? TryMap(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            long len = fs.Length;
            if (len <= 0 || len > Array.MaxLength) return null;
            // sysfs refuses shared and writable mappings of BTF (EACCES). A copy-on-write file viewed read-only is
            // what it allows: the BCL maps that MAP_PRIVATE with PROT_READ, so no system call of our own is needed.
            using var file = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.CopyOnWrite, HandleInheritability.None, leaveOpen: true);
            using var view = file.CreateViewAccessor(0, len, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            try
            {
                var buffer = new NativeBuffer((int)len);
                new ReadOnlySpan<byte>(p + view.PointerOffset, (int)len).CopyTo(buffer.Span);
                return buffer;
            }
            finally { view.SafeMemoryMappedViewHandle.ReleasePointer(); }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // older kernels: sysfs refuses mmap; read it instead
        }
    }
}
