namespace Ebpf.Object.Btf;

/// <summary>
/// An enumerator. For ENUM the file holds 32 bits: Value is sign- or zero-extended by the enum's signedness.
/// For ENUM64 Value holds the 64-bit pattern (read it as ulong for unsigned enums).
/// </summary>
public readonly record struct BtfEnumValue(string Name, long Value)
{
    public int NameOffset { get; init; }
}

/// <summary>BTF_KIND_ENUM (32-bit values) or BTF_KIND_ENUM64.</summary>
public abstract class BtfEnumBase : BtfType
{
    public uint Size { get; init; }
    public IReadOnlyList<BtfEnumValue> Values { get; init; } = [];

    /// <summary>kind_flag: values are signed.</summary>
    public bool Signed { get => KindFlag; init => KindFlag = value; }

    internal override int VLen => Values.Count;
}

/// <summary>BTF_KIND_ENUM.</summary>
public sealed class BtfEnum : BtfEnumBase
{
    public override BtfKind Kind => BtfKind.Enum;
}

/// <summary>BTF_KIND_ENUM64.</summary>
public sealed class BtfEnum64 : BtfEnumBase
{
    public override BtfKind Kind => BtfKind.Enum64;
}
