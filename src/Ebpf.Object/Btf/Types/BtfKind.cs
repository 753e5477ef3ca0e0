namespace Ebpf.Object.Btf;

/// <summary>BTF type kinds with the kernel's numeric values (include/uapi/linux/btf.h).</summary>
public enum BtfKind
{
    /// <summary>Type id 0: void. Never encoded in the type section.</summary>
    Void = 0,
    Int = 1,
    Pointer = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Forward = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    Datasec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>Linkage of a BTF_KIND_FUNC (stored in vlen) or BTF_KIND_VAR (stored in the trailing word).</summary>
public enum BtfLinkage : uint
{
    Static = 0,
    Global = 1,
    Extern = 2,
}

/// <summary>Encoding bits of a BTF_KIND_INT.</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    None = 0,
    Signed = 1,
    Char = 2,
    Bool = 4,
}
