using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// How user space sees one per-CPU element: a slot per possible CPU, each value_size rounded up to 8 bytes.
/// Converts between that layout and a span of <typeparamref name="T"/> (which is dense: a 4-byte T leaves 4
/// bytes of padding per slot in the kernel's layout).
/// </summary>
internal static class PerCpuLayout<T> where T : unmanaged
{
    public static int Stride => (Unsafe.SizeOf<T>() + 7) & ~7;

    public static int ElementSize => Stride * PossibleCpus.Count;

    /// <summary>Up to this many bytes an element buffer lives on the stack; above, it is rented.</summary>
    public const int StackLimit = 1024;

    public static void Read(ReadOnlySpan<byte> slots, Span<T> values)
    {
        int stride = Stride;
        for (int cpu = 0; cpu < values.Length; cpu++)
            values[cpu] = MemoryMarshal.Read<T>(slots.Slice(cpu * stride));
    }

    public static void Write(ReadOnlySpan<T> values, Span<byte> slots)
    {
        if (values.Length != PossibleCpus.Count)
            throw new BpfException($"a per-CPU value needs one element per possible CPU ({PossibleCpus.Count}), not {values.Length}.");
        int stride = Stride;
        slots.Clear();
        for (int cpu = 0; cpu < values.Length; cpu++)
            MemoryMarshal.Write(slots.Slice(cpu * stride), in values[cpu]);
    }

    public static byte[]? Rent(int size) => size > StackLimit ? ArrayPool<byte>.Shared.Rent(size) : null;

    public static void Return(byte[]? rented)
    {
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
