using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>
/// Where a batch lookup goes on from: start with <c>default</c>, pass it by ref to each round, stop when
/// <see cref="Done"/>. It holds the kernel's batch token (a bucket index for hash maps, a key for others)
/// inline for keys up to 8 bytes, so rounds allocate nothing.
/// </summary>
public struct BpfBatchCursor
{
    private ulong _token;
    private byte[]? _largeToken;

    /// <summary>True once a round has run; the next round then continues after the token.</summary>
    internal bool Started { get; set; }

    /// <summary>The kernel reported the end of the map; further rounds return 0.</summary>
    public bool Done { get; internal set; }

    [UnscopedRef]
    internal Span<byte> Token(int size) => size <= sizeof(ulong)
        ? MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref _token, 1))[..size]
        : _largeToken ??= new byte[size];
}
