using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>Compares keys byte for byte, as the kernel does (struct Equals would skip padding and call overrides).</summary>
internal sealed class BlittableComparer<T> : IEqualityComparer<T> where T : unmanaged
{
    public static readonly BlittableComparer<T> Instance = new();

    public bool Equals(T x, T y) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in x)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in y)));

    public int GetHashCode(T value)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));
        return hash.ToHashCode();
    }
}
