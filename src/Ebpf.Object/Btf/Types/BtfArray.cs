namespace Ebpf.Object.Btf;

/// <summary>BTF_KIND_ARRAY: element type, index type and number of elements (the common size/type word is 0).</summary>
public sealed class BtfArray : BtfType
{
    public override BtfKind Kind => BtfKind.Array;
    public int ElementType { get; init; }
    public int IndexType { get; init; }
    public uint Count { get; init; }
}
