namespace Ebpf.Object.Btf;

/// <summary>BTF_KIND_FUNC: a named function; Type is its FUNC_PROTO; linkage is stored in vlen.</summary>
public sealed class BtfFunc : BtfReferenceType
{
    public override BtfKind Kind => BtfKind.Func;
    public BtfLinkage Linkage { get; init; }
    internal override int VLen => (int)Linkage;
}

/// <summary>A function prototype parameter. A last parameter with no name and type 0 marks a variadic function.</summary>
public readonly record struct BtfParam(string Name, int Type)
{
    public int NameOffset { get; init; }
}

/// <summary>BTF_KIND_FUNC_PROTO.</summary>
public sealed class BtfFuncProto : BtfType
{
    public override BtfKind Kind => BtfKind.FuncProto;
    public int ReturnType { get; init; }

    /// <summary>Parameters as stored, including the trailing (void) entry of a variadic function.</summary>
    public IReadOnlyList<BtfParam> Parameters { get; init; } = [];

    public bool IsVariadic => Parameters.Count > 0 && Parameters[^1].Type == 0 && Parameters[^1].NameOffset == 0 && Parameters[^1].Name.Length == 0;

    internal override int VLen => Parameters.Count;
}
