using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Kernel;

/// <summary>Which address space a probe read looks in: the kernel's, or the current process's.</summary>
public enum MemorySpace
{
    Kernel,
    User,
}

/// <summary>
/// The memory that probe reads see when a program runs as plain .NET: regions a test maps in the kernel's or the user's
/// address space, each at a real, pinned address (so a program that holds a record's address and adds an offset reads
/// what the kernel would). A read outside every region of its space fails as the kernel's does: -EFAULT, destination zeroed.
/// Nothing else is ever dereferenced.
/// </summary>
public sealed class ManagedMemory
{
    private readonly record struct Region(ulong Start, byte[] Bytes, MemorySpace Space);

    private readonly List<Region> _regions = [];

    /// <summary>Maps a copy of <paramref name="bytes"/> (at least one byte) in <paramref name="space"/>; returns its address.</summary>
    public ulong Map(ReadOnlySpan<byte> bytes, MemorySpace space = MemorySpace.Kernel)
    {
        var pinned = GC.AllocateArray<byte>(Math.Max(1, bytes.Length), pinned: true);
        bytes.CopyTo(pinned);
        var start = AddressOf(pinned);
        lock (_regions) _regions.Add(new Region(start, pinned, space));
        return start;
    }

    /// <summary>Maps <paramref name="text"/> as UTF-8 with its NUL terminator, as C strings are held.</summary>
    public ulong MapString(string text, MemorySpace space = MemorySpace.User) => Map(Encoding.UTF8.GetBytes(text + "\0"), space);

    /// <summary>The bytes at <paramref name="address"/> (for tests that check what a program wrote).</summary>
    public Span<byte> Bytes(ulong address, int length, MemorySpace space = MemorySpace.Kernel) =>
        Find(address, length, space) is { } r ? r.Bytes.AsSpan((int)(address - r.Start), length) : throw new ArgumentException($"0x{address:x} (+{length}) is not mapped in {space} memory.", nameof(address));

    private static unsafe ulong AddressOf(byte[] pinned) => (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    private Region? Find(ulong address, int length, MemorySpace space)
    {
        lock (_regions)
            foreach (var r in _regions)
                if (r.Space == space && address >= r.Start && address - r.Start + (ulong)length <= (ulong)r.Bytes.Length)
                    return r;
        return null;
    }

    /// <summary>bpf_probe_read_{kernel,user}: 0, or -EFAULT with the destination zeroed.</summary>
    internal int Read(Span<byte> destination, ulong address, MemorySpace space)
    {
        if (Find(address, destination.Length, space) is not { } r)
        {
            destination.Clear();
            return -Errno.EFAULT;
        }
        r.Bytes.AsSpan((int)(address - r.Start), destination.Length).CopyTo(destination);
        return 0;
    }

    /// <summary>bpf_probe_read_{kernel,user}_str: the bytes copied with the NUL (at most the buffer, truncated and terminated), or -EFAULT.</summary>
    internal int ReadString(Span<byte> destination, ulong address, MemorySpace space)
    {
        if (destination.Length == 0) return 0;
        if (Find(address, 1, space) is not { } r)
        {
            destination.Clear();
            return -Errno.EFAULT;
        }
        var available = r.Bytes.AsSpan((int)(address - r.Start));
        var nul = available.IndexOf((byte)0);
        var length = Math.Min(nul < 0 ? available.Length : nul, destination.Length - 1);
        if (nul < 0 && length == available.Length && length < destination.Length - 1)
        {
            destination.Clear(); // ran off the mapped bytes before a NUL: the kernel faults there too
            return -Errno.EFAULT;
        }
        available[..length].CopyTo(destination);
        destination[length] = 0;
        return length + 1;
    }
}
