using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Native.Netlink;

/// <summary>
/// Builds one request: the nlmsghdr, the family header (tcmsg, ifinfomsg), then rtattrs, nested ones by
/// <see cref="BeginNested"/>/<see cref="EndNested"/>. Lengths and alignment (4 bytes) are kept as the kernel checks them.
/// </summary>
internal sealed class NetlinkMessageWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public NetlinkMessageWriter(ushort type, ushort flags)
    {
        _length = NlMsgHdr.Size;
        var header = new NlMsgHdr { Type = type, Flags = flags };
        MemoryMarshal.Write(_buffer, in header);
    }

    public ushort Type => MemoryMarshal.Read<NlMsgHdr>(_buffer).Type;

    public ushort Flags => MemoryMarshal.Read<NlMsgHdr>(_buffer).Flags;

    public void Header<T>(in T value) where T : unmanaged
    {
        var span = Reserve(Nl.Align(Unsafe.SizeOf<T>()));
        MemoryMarshal.Write(span, in value);
    }

    public void Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var span = Reserve(Nl.Align(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        value.CopyTo(span[4..]);
    }

    public void U32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, in value);
        Attribute(type, bytes);
    }

    public void S32(ushort type, int value) => U32(type, unchecked((uint)value));

    /// <summary>A NUL-terminated string, as NLA_STRING and NLA_NUL_STRING attributes expect.</summary>
    public void String(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        Attribute(type, bytes);
    }

    /// <summary>Starts a nested attribute; returns where its header is, for <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        var span = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(type | Nl.AttrNested));
        return start;
    }

    public void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));

    /// <summary>The finished message with its length and sequence number filled in.</summary>
    public ReadOnlySpan<byte> Finish(uint sequence)
    {
        ref var header = ref MemoryMarshal.AsRef<NlMsgHdr>(_buffer.AsSpan());
        header.Length = (uint)_length;
        header.Sequence = sequence;
        return _buffer.AsSpan(0, _length);
    }

    private Span<byte> Reserve(int size)
    {
        if (_length + size > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        var span = _buffer.AsSpan(_length, size);
        span.Clear();
        _length += size;
        return span;
    }
}
