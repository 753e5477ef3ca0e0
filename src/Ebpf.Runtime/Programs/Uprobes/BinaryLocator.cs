using System.Buffers.Binary;
using System.Text;

namespace Ebpf;

/// <summary>
/// Finds the file a uprobe names: a path as given, a shared library by name ("libc.so.6") through
/// LD_LIBRARY_PATH, /etc/ld.so.cache and the standard library directories, or a program by name through PATH.
/// </summary>
public static class BinaryLocator
{
    private static readonly string[] LibraryDirectories =
    [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
    ];

    /// <summary>The absolute path of <paramref name="binary"/>: a path, a library name or a program name.</summary>
    /// <exception cref="BpfException">No such file; the message lists where it was searched.</exception>
    public static string Resolve(string binary)
    {
        ArgumentException.ThrowIfNullOrEmpty(binary);
        if (binary.Contains('/'))
            return File.Exists(binary) ? Path.GetFullPath(binary)
                : throw new BpfException($"binary '{binary}' does not exist; give the path of an executable or shared library, or a library name such as libc.so.6");
        var isLibrary = binary.Contains(".so", StringComparison.Ordinal);
        var searched = new List<string>();
        if (isLibrary)
        {
            foreach (var dir in Split(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH")))
                if (Try(dir, binary, searched) is { } found) return found;
            if (LdSoCache.Lookup(binary) is { } cached && File.Exists(cached)) return cached;
            searched.Add("/etc/ld.so.cache");
            foreach (var dir in LibraryDirectories)
                if (Try(dir, binary, searched) is { } found) return found;
        }
        else
        {
            foreach (var dir in Split(Environment.GetEnvironmentVariable("PATH")))
                if (Try(dir, binary, searched) is { } found) return found;
        }
        throw new BpfException($"binary '{binary}' not found (searched {string.Join(", ", searched.Distinct())}); give its full path");
    }

    private static string? Try(string dir, string name, List<string> searched)
    {
        searched.Add(dir);
        var candidate = Path.Combine(dir, name);
        return File.Exists(candidate) ? Path.GetFullPath(candidate) : null;
    }

    private static string[] Split(string? list) => (list ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The "glibc-ld.so.cache1.1" format that ldconfig writes: a header, then entries of (flags, key, value) string offsets.</summary>
    internal static class LdSoCache
    {
        private const string Magic = "glibc-ld.so.cache1.1";
        private const int HeaderSize = 48, EntrySize = 24;

        public static string? Lookup(string name, string path = "/etc/ld.so.cache")
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            // Old-format caches ("ld.so-1.7.0") put the new one after their own entries.
            var start = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Magic));
            if (start < 0 || bytes.Length - start < HeaderSize) return null;
            var cache = bytes.AsSpan(start);
            var count = BinaryPrimitives.ReadUInt32LittleEndian(cache[20..]);
            if (count > (uint)(cache.Length - HeaderSize) / EntrySize) return null;
            var wantX64 = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;
            for (var i = 0; i < (int)count; i++)
            {
                var e = cache.Slice(HeaderSize + i * EntrySize, EntrySize);
                var flags = BinaryPrimitives.ReadInt32LittleEndian(e);
                // FLAG_X8664_LIB64 (0x0300) marks x86-64 libraries; skip others (i386, x32) on x86-64.
                if (wantX64 && (flags & 0xff00) != 0x0300) continue;
                if (String(bytes, start, BinaryPrimitives.ReadUInt32LittleEndian(e[4..])) == name)
                    return String(bytes, start, BinaryPrimitives.ReadUInt32LittleEndian(e[8..]));
            }
            return null;
        }

        // In the new format, string offsets count from the start of the new-format header.
        private static string? String(byte[] bytes, int start, uint offset)
        {
            var at = start + (long)offset;
            if (at >= bytes.Length) return null;
            var rest = bytes.AsSpan((int)at);
            var end = rest.IndexOf((byte)0);
            return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
        }
    }
}
