namespace Ebpf.Object.Btf;

/// <summary>
/// A struct or union member. With the parent's kind_flag set the file packs BitfieldSize into the top 8 bits of
/// the offset word; otherwise BitOffset is the whole word and BitfieldSize is 0 (bitfields then live in the INT).
/// </summary>
public readonly record struct BtfMember(string Name, int Type, uint BitOffset, byte BitfieldSize = 0)
{
    public int NameOffset { get; init; }
}

/// <summary>BTF_KIND_STRUCT or BTF_KIND_UNION.</summary>
public abstract class BtfComposite : BtfType
{
    public uint Size { get; init; }
    public IReadOnlyList<BtfMember> Members { get; init; } = [];

    /// <summary>kind_flag: members carry their bitfield size in the offset word.</summary>
    public bool HasBitfieldSizes { get => KindFlag; init => KindFlag = value; }

    internal override int VLen => Members.Count;
}

/// <summary>BTF_KIND_STRUCT.</summary>
public sealed class BtfStruct : BtfComposite
{
    public override BtfKind Kind => BtfKind.Struct;
}

/// <summary>BTF_KIND_UNION.</summary>
public sealed class BtfUnion : BtfComposite
{
    public override BtfKind Kind => BtfKind.Union;
}

/// <summary>BTF_KIND_FWD: a declared but not defined struct (or union when kind_flag is set).</summary>
public sealed class BtfForward : BtfType
{
    public override BtfKind Kind => BtfKind.Forward;
    public bool IsUnion { get => KindFlag; init => KindFlag = value; }
}
