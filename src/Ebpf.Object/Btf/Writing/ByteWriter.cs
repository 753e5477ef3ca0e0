using System.Buffers.Binary;

namespace Ebpf.Object.Btf;

/// <summary>A growable little-endian byte buffer for the BTF and BTF.ext writers.</summary>
internal sealed class ByteWriter(int capacity = 256)
{
    private byte[] _buf = new byte[Math.Max(capacity, 16)];
    public int Length { get; private set; }

    private Span<byte> Take(int n)
    {
        if (Length + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Length + n));
        var s = _buf.AsSpan(Length, n);
        Length += n;
        return s;
    }

    public void U8(byte v) => Take(1)[0] = v;
    public void U16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), v);
    public void U32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), v);
    public void I32(int v) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), v);
    public void Bytes(ReadOnlySpan<byte> v) => v.CopyTo(Take(v.Length));

    /// <summary>Overwrites a u32 already written (for lengths known only at the end).</summary>
    public void PatchU32(int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(at, 4), v);

    public byte[] ToArray() => _buf.AsSpan(0, Length).ToArray();
}
