using System.Runtime.InteropServices;

namespace Ebpf.Object.Btf;

/// <summary>
/// Unmanaged memory owned by a <see cref="Btf"/>. vmlinux BTF is 5.5 MB: as a managed array it lands on the large
/// object heap, and parsing one after another (a loader, a benchmark) triggers a full GC every few parses that
/// costs more than the parse itself. Freed by Dispose, else by the finalizer; users keep the owner alive (GC.KeepAlive)
/// while they hold a span over it. No GC.AddMemoryPressure: measured, it induces a gen2 collection every two or three
/// vmlinux-sized buffers even when each is freed at once (122 in 300), the cost that leaving the LOH removed.
/// </summary>
internal sealed unsafe class NativeBuffer
{
    public byte* Pointer { get; private set; }
    public readonly int Length;

    public NativeBuffer(int length)
    {
        Pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(length, 1));
        Length = length;
    }

    ~NativeBuffer() => Release();

    /// <summary>Frees the memory now (Btf.Dispose); later access throws ObjectDisposedException.</summary>
    public void Free()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        byte* p = Pointer;
        if (p == null) return;
        Pointer = null;
        NativeMemory.Free(p);
    }

    public Span<byte> Span => Pointer != null ? new(Pointer, Length) : throw new ObjectDisposedException(nameof(Btf));
}
