namespace Ebpf.Object.Btf;

/// <summary>BTF_KIND_INT: size in bytes plus a trailing word with encoding, bit offset and number of bits.</summary>
public sealed class BtfInt : BtfType
{
    public override BtfKind Kind => BtfKind.Int;
    public uint Size { get; init; }
    public BtfIntEncoding Encoding { get; init; }
    public byte BitOffset { get; init; }
    public byte Bits { get; init; }

    public bool IsSigned => (Encoding & BtfIntEncoding.Signed) != 0;
    public bool IsChar => (Encoding & BtfIntEncoding.Char) != 0;
    public bool IsBool => (Encoding & BtfIntEncoding.Bool) != 0;
}
