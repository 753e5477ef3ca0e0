using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Output;

/// <summary>Short C spellings of BTF types for tables: "struct counters", "__u32", "char[16]", "struct sock *".</summary>
internal static class BtfTypeNames
{
    public static string Of(BtfSpec btf, int id, int depth = 0)
    {
        if (depth > 32)
            return "...";
        if (id == 0)
            return "void";
        var t = btf[id];
        return t switch
        {
            BtfStruct s => s.Name.Length == 0 ? "struct {...}" : $"struct {s.Name}",
            BtfUnion u => u.Name.Length == 0 ? "union {...}" : $"union {u.Name}",
            BtfEnum or BtfEnum64 => t.Name.Length == 0 ? "enum {...}" : $"enum {t.Name}",
            BtfForward f => $"{(f.IsUnion ? "union" : "struct")} {f.Name}",
            BtfPointer p => Of(btf, p.Type, depth + 1) + " *",
            BtfConst c => "const " + Of(btf, c.Type, depth + 1),
            BtfVolatile v => "volatile " + Of(btf, v.Type, depth + 1),
            BtfRestrict r => Of(btf, r.Type, depth + 1) + " restrict",
            BtfTypeTag tag => Of(btf, tag.Type, depth + 1),
            BtfVar var => Of(btf, var.Type, depth + 1),
            BtfArray a => $"{Of(btf, a.ElementType, depth + 1)}[{a.Count}]",
            BtfFuncProto => "function",
            _ => t.Name,
        };
    }
}
