using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// bpf(2), one method per command, with no libbpf underneath. Attrs are built on the stack, buffers are pinned
/// spans, and the element paths allocate nothing and throw nothing for "not found" (they return false).
/// Failures throw <see cref="BpfSyscallException"/> (or a subclass) naming the command, errno and object.
/// The methods live in partial files by concern: Bpf.Maps.cs, Bpf.Batch.cs, Bpf.Programs.cs, Bpf.Objects.cs,
/// Bpf.Attach.cs, Bpf.Btf.cs, Bpf.Info.cs.
/// </summary>
public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// The raw system call for commands this class does not wrap: returns the result (a new fd for the commands that
    /// create one, which the caller then owns) or -errno. Prefer the typed methods.
    /// </summary>
    public static long Syscall(BpfCommand command, void* attr, uint size)
    {
        long r = LibC.Bpf((int)command, attr, size);
        return r < 0 ? -Marshal.GetLastPInvokeError() : r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Sys<T>(BpfCommand command, T* attr) where T : unmanaged
    {
        long r = LibC.Bpf((int)command, attr, (uint)sizeof(T));
        return r < 0 ? -Marshal.GetLastPInvokeError() : (int)r;
    }

    /// <summary>UTF-8 with a terminating NUL, for path and license strings.</summary>
    private static byte[] CString(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>A NUL-terminated ASCII field (names in info structs).</summary>
    private static string FromCString(ReadOnlySpan<byte> bytes)
    {
        int nul = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? bytes : bytes[..nul]);
    }

    private static string Quote(string? name) => name is null ? "" : $" '{name}'";
}
