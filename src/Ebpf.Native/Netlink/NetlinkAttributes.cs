using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Native.Netlink;

/// <summary>One rtattr of a received message: its type (nested and byte-order bits removed) and value.</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public ushort Type { get; }
    public ReadOnlySpan<byte> Value { get; }

    public uint U32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Value) : 0;
    public byte U8 => Value.Length >= 1 ? Value[0] : (byte)0;
    public string String => Encoding.UTF8.GetString(Value.IndexOf((byte)0) is var nul and >= 0 ? Value[..nul] : Value);
    public NetlinkAttributes Nested => new(Value);
}

/// <summary>
/// Walks a run of rtattrs without allocating (<c>foreach (var a in new NetlinkAttributes(span))</c>). A truncated
/// or malformed attribute ends the walk: the kernel never sends one, and a bad length must not throw out of range.
/// </summary>
internal readonly ref struct NetlinkAttributes
{
    private readonly ReadOnlySpan<byte> _data;

    public NetlinkAttributes(ReadOnlySpan<byte> data) => _data = data;

    public Enumerator GetEnumerator() => new(_data);

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> _rest;

        public Enumerator(ReadOnlySpan<byte> data)
        {
            _rest = data;
            Current = default;
        }

        public NetlinkAttribute Current { get; private set; }

        public bool MoveNext()
        {
            if (_rest.Length < 4) return false;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
            if (length < 4 || length > _rest.Length) return false;
            Current = new NetlinkAttribute((ushort)(type & Nl.AttrTypeMask), _rest[4..length]);
            _rest = _rest[Math.Min(_rest.Length, Nl.Align(length))..];
            return true;
        }
    }
}
