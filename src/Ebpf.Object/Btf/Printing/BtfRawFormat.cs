using System.Text;

namespace Ebpf.Object.Btf;

// bpftool's raw format (`bpftool btf dump file X`), for `ebpf btf dump` and for comparing with bpftool in tests.
public static partial class BtfPrinter
{
    /// <summary>The kind's name as bpftool and the kernel print it (INT, PTR, FUNC_PROTO, ...).</summary>
    public static string KindName(BtfKind kind) => kind switch
    {
        BtfKind.Int => "INT", BtfKind.Pointer => "PTR", BtfKind.Array => "ARRAY", BtfKind.Struct => "STRUCT",
        BtfKind.Union => "UNION", BtfKind.Enum => "ENUM", BtfKind.Forward => "FWD", BtfKind.Typedef => "TYPEDEF",
        BtfKind.Volatile => "VOLATILE", BtfKind.Const => "CONST", BtfKind.Restrict => "RESTRICT", BtfKind.Func => "FUNC",
        BtfKind.FuncProto => "FUNC_PROTO", BtfKind.Var => "VAR", BtfKind.Datasec => "DATASEC", BtfKind.Float => "FLOAT",
        BtfKind.DeclTag => "DECL_TAG", BtfKind.TypeTag => "TYPE_TAG", BtfKind.Enum64 => "ENUM64",
        _ => "UNKN",
    };

    /// <summary>
    /// One type in bpftool's raw format: a header line such as <c>[12] STRUCT 'counters' size=16 vlen=2</c>,
    /// then one tab-indented line per member, value, parameter or section variable.
    /// </summary>
    public static string Describe(Btf btf, int id)
    {
        var t = btf[id];
        var sb = new StringBuilder();
        sb.Append('[').Append(id).Append("] ").Append(KindName(t.Kind)).Append(" '").Append(AnonName(t.Name)).Append('\'');
        switch (t)
        {
            case BtfVoid:
                break;
            case BtfInt i:
                sb.Append($" size={i.Size} bits_offset={i.BitOffset} nr_bits={i.Bits} encoding=");
                sb.Append(i.Encoding switch
                {
                    BtfIntEncoding.None => "(none)", BtfIntEncoding.Signed => "SIGNED",
                    BtfIntEncoding.Char => "CHAR", BtfIntEncoding.Bool => "BOOL", _ => "UNKN",
                });
                break;
            case BtfFunc f:
                sb.Append($" type_id={f.Type} linkage={LinkageName(f.Linkage)}");
                break;
            case BtfVar v:
                sb.Append($" type_id={v.Type}, linkage={LinkageName(v.Linkage)}");
                break;
            case BtfDeclTag d:
                sb.Append($" type_id={d.Type} component_idx={d.ComponentIndex}");
                break;
            case BtfReferenceType r:
                sb.Append($" type_id={r.Type}");
                break;
            case BtfArray a:
                sb.Append($" type_id={a.ElementType} index_type_id={a.IndexType} nr_elems={a.Count}");
                break;
            case BtfComposite c:
                sb.Append($" size={c.Size} vlen={c.Members.Count}");
                foreach (var m in c.Members)
                {
                    sb.Append($"\n\t'{AnonName(m.Name)}' type_id={m.Type} bits_offset={m.BitOffset}");
                    if (m.BitfieldSize != 0) sb.Append($" bitfield_size={m.BitfieldSize}");
                }
                break;
            case BtfEnum e:
                sb.Append($" encoding={(e.Signed ? "SIGNED" : "UNSIGNED")} size={e.Size} vlen={e.Values.Count}");
                foreach (var v in e.Values) sb.Append($"\n\t'{AnonName(v.Name)}' val={v.Value}");
                break;
            case BtfEnum64 e:
                sb.Append($" encoding={(e.Signed ? "SIGNED" : "UNSIGNED")} size={e.Size} vlen={e.Values.Count}");
                foreach (var v in e.Values)
                    sb.Append(e.Signed ? $"\n\t'{AnonName(v.Name)}' val={v.Value}LL" : $"\n\t'{AnonName(v.Name)}' val={(ulong)v.Value}ULL");
                break;
            case BtfForward fw:
                sb.Append(fw.IsUnion ? " fwd_kind=union" : " fwd_kind=struct");
                break;
            case BtfFuncProto p:
                sb.Append($" ret_type_id={p.ReturnType} vlen={p.Parameters.Count}");
                foreach (var prm in p.Parameters) sb.Append($"\n\t'{AnonName(prm.Name)}' type_id={prm.Type}");
                break;
            case BtfDatasec s:
                sb.Append($" size={s.Size} vlen={s.Variables.Count}");
                foreach (var v in s.Variables)
                {
                    sb.Append($"\n\ttype_id={v.Type} offset={v.Offset} size={v.Size}");
                    if ((uint)v.Type < (uint)btf.Count)
                    {
                        var vt = btf[v.Type];
                        sb.Append($" ({KindName(vt.Kind)} '{AnonName(vt.Name)}')");
                    }
                }
                break;
            case BtfFloat fl:
                sb.Append($" size={fl.Size}");
                break;
        }
        return sb.ToString();
    }

    private static string AnonName(string name) => name.Length == 0 ? "(anon)" : name;

    private static string LinkageName(BtfLinkage l) => l switch
    {
        BtfLinkage.Static => "static", BtfLinkage.Global => "global", BtfLinkage.Extern => "extern", _ => "(unknown)",
    };
}
