namespace Ebpf.Object.Btf;

/// <summary>
/// One BTF type. Instances made by <see cref="Btf"/> are created lazily on first access and cached;
/// instances made by callers (for <see cref="BtfBuilder"/>) use object initializers.
/// Raw string offsets are kept next to decoded names so that writing a parsed type gives back its exact bytes.
/// </summary>
public abstract class BtfType
{
    /// <summary>Type id in its <see cref="Btf"/>; 0 for a type not (yet) part of one.</summary>
    public int Id { get; internal set; }

    public abstract BtfKind Kind { get; }

    /// <summary>Name, empty for anonymous types.</summary>
    public string Name { get; init; } = "";

    /// <summary>Offset of <see cref="Name"/> in the string table as read; the builder assigns its own.</summary>
    public int NameOffset { get; init; }

    /// <summary>The info word's kind_flag bit. Kinds give it a meaning (bitfield encoding, union forward, signed enum).</summary>
    public bool KindFlag { get; init; }

    /// <summary>Number of entries following the 12-byte common header (the info word's vlen).</summary>
    internal virtual int VLen => 0;

    /// <summary>Bytes this type occupies in the type section.</summary>
    internal int EncodedSize => 12 + BtfLayout.TrailingSize(Kind, VLen);

    public override string ToString() => $"[{Id}] {BtfPrinter.KindName(Kind)} '{(Name.Length == 0 ? "(anon)" : Name)}'";
}

/// <summary>Type id 0. Never encoded; every <see cref="Btf"/> has it.</summary>
public sealed class BtfVoid : BtfType
{
    public override BtfKind Kind => BtfKind.Void;
}

/// <summary>A kind whose only payload is a referenced type id (ptr, typedef, qualifiers, type tag).</summary>
public abstract class BtfReferenceType : BtfType
{
    public int Type { get; init; }
}
