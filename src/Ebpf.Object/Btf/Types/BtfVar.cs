namespace Ebpf.Object.Btf;

/// <summary>BTF_KIND_VAR: a global variable; linkage is in the trailing word.</summary>
public sealed class BtfVar : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Var;
    public BtfLinkage Linkage { get; init; }
}

/// <summary>One variable (or function, for .ksyms) placed in a data section.</summary>
public readonly record struct BtfDatasecVar(int Type, uint Offset, uint Size);

/// <summary>BTF_KIND_DATASEC: an ELF data section (.data, .bss, .rodata, .maps, license, ...).</summary>
public sealed class BtfDatasec : BtfType
{
    public override BtfKind Kind => BtfKind.Datasec;
    public uint Size { get; init; }
    public IReadOnlyList<BtfDatasecVar> Variables { get; init; } = [];
    internal override int VLen => Variables.Count;
}

/// <summary>
/// BTF_KIND_DECL_TAG: a tag (the name) on a type, or on one of its members/parameters when ComponentIndex &gt;= 0.
/// kind_flag set means an <c>__attribute__</c> rather than btf_decl_tag.
/// </summary>
public sealed class BtfDeclTag : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.DeclTag;
    public int ComponentIndex { get; init; } = -1;
    public string Value => Name;
    public bool IsAttribute { get => KindFlag; init => KindFlag = value; }
}
