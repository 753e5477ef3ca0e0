namespace Ebpf.Object.Btf;

/// <summary>BTF_KIND_FLOAT: a floating point type of the given size in bytes.</summary>
public sealed class BtfFloat : BtfType
{
    public override BtfKind Kind => BtfKind.Float;
    public uint Size { get; init; }
}
