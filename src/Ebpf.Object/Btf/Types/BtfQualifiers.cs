namespace Ebpf.Object.Btf;

// Kinds that only point at another type. Skip()/ResolveType() walk through all but the pointer.

/// <summary>BTF_KIND_PTR.</summary>
public sealed class BtfPointer : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Pointer;
}

/// <summary>BTF_KIND_TYPEDEF.</summary>
public sealed class BtfTypedef : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Typedef;
}

/// <summary>BTF_KIND_VOLATILE.</summary>
public sealed class BtfVolatile : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Volatile;
}

/// <summary>BTF_KIND_CONST.</summary>
public sealed class BtfConst : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Const;
}

/// <summary>BTF_KIND_RESTRICT.</summary>
public sealed class BtfRestrict : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Restrict;
}

/// <summary>BTF_KIND_TYPE_TAG: the tag text is the name. kind_flag set means an <c>__attribute__</c> rather than btf_type_tag.</summary>
public sealed class BtfTypeTag : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.TypeTag;
    public string Value => Name;
    public bool IsAttribute { get => KindFlag; init => KindFlag = value; }
}
