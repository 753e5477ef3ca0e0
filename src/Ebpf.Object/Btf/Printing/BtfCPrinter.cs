using System.Text;

namespace Ebpf.Object.Btf;

/// <summary>Shows BTF types as C, the way <c>bpftool btf dump file X format c</c> prints definitions.</summary>
public static partial class BtfPrinter
{
    /// <summary>
    /// The C definition of a type: a struct/union/enum body, a typedef line, a function prototype, a variable,
    /// or, for other kinds, the type as C spells it (<c>struct sk_buff *</c>, <c>char [16]</c>).
    /// </summary>
    public static string ToC(Btf btf, int id) => new CWriter(btf).Definition(id);
}

/// <summary>Builds C declarators inside out (pointer, array and function suffixes wrap the name), with guards for loops.</summary>
internal sealed class CWriter(Btf btf)
{
    private const int MaxDepth = 64;
    private const int MaxOutput = 4 << 20;
    private int _output;

    public string Definition(int id)
    {
        var t = btf[id];
        return t switch
        {
            BtfComposite c => Body(c, 0, 0) + ";",
            BtfEnumBase e => EnumBody(e, 0) + ";",
            BtfTypedef td => "typedef " + Decl(td.Type, td.Name, 0, 0) + ";",
            BtfForward f => (f.IsUnion ? "union " : "struct ") + f.Name + ";",
            BtfFunc f => LinkagePrefix(f.Linkage) + Decl(f.Type, f.Name, 0, 0) + ";",
            BtfVar v => LinkagePrefix(v.Linkage) + Decl(v.Type, v.Name, 0, 0) + ";",
            BtfDatasec s => Datasec(s),
            BtfDeclTag d => $"/* {(d.IsAttribute ? "__attribute__" : "btf_decl_tag")}(\"{d.Value}\") on [{d.Type}]{(d.ComponentIndex >= 0 ? $" component {d.ComponentIndex}" : "")} */",
            _ => Decl(id, "", 0, 0),
        };
    }

    private static string LinkagePrefix(BtfLinkage l) => l switch
    {
        BtfLinkage.Static => "static ",
        BtfLinkage.Extern => "extern ",
        _ => "",
    };

    private string Datasec(BtfDatasec s)
    {
        var sb = new StringBuilder();
        sb.Append("/* section ").Append(s.Name).Append(", size ").Append(s.Size).Append(" */");
        foreach (var v in s.Variables)
        {
            string decl = (uint)v.Type < (uint)btf.Count && btf[v.Type] is BtfVar or BtfFunc ? Definition(v.Type) : $"/* type [{v.Type}] */";
            sb.Append('\n').Append(decl).Append(" /* offset ").Append(v.Offset).Append(", size ").Append(v.Size).Append(" */");
            Count(decl.Length);
        }
        return sb.ToString();
    }

    private static string Join(string type, string inner) => inner.Length == 0 ? type : type + " " + inner;

    private void Count(int chars)
    {
        _output += chars;
        if (_output > MaxOutput) throw new BtfException($"C output exceeds {MaxOutput} characters (deeply nested or self-referencing anonymous types?).");
    }

    /// <summary>C declaration of <paramref name="inner"/> (a name, or a partial declarator) with type <paramref name="id"/>.</summary>
    private string Decl(int id, string inner, int indent, int depth)
    {
        if (depth > MaxDepth) throw new BtfException($"BTF type [{id}] nests deeper than {MaxDepth} levels while printing as C (a loop?).");
        var t = btf[id];
        Count(inner.Length);
        switch (t)
        {
            case BtfVoid: return Join("void", inner);
            case BtfInt or BtfFloat or BtfTypedef: return Join(t.Name, inner);
            case BtfComposite c:
                return c.Name.Length == 0 ? Join(Body(c, indent, depth + 1), inner) : Join(Keyword(c) + " " + c.Name, inner);
            case BtfEnumBase e:
                return e.Name.Length == 0 ? Join(EnumBody(e, indent), inner) : Join("enum " + e.Name, inner);
            case BtfForward f: return Join((f.IsUnion ? "union " : "struct ") + f.Name, inner);
            case BtfPointer p:
                {
                    string ni = "*" + inner;
                    var target = SkipTags(p.Type, depth);
                    if (target is BtfArray or BtfFuncProto) ni = "(" + ni + ")";
                    return Decl(p.Type, ni, indent, depth + 1);
                }
            case BtfConst or BtfVolatile or BtfRestrict:
                {
                    string kw = t is BtfConst ? "const" : t is BtfVolatile ? "volatile" : "restrict";
                    int target = ((BtfReferenceType)t).Type;
                    // A qualified pointer puts the qualifier after the '*'; otherwise it leads the type.
                    var direct = SkipTags(target, depth);
                    if (direct is BtfPointer) return Decl(target, Join(kw, inner), indent, depth + 1);
                    string decl = Decl(target, inner, indent, depth + 1);
                    // C qualifies an array through its elements: `const char x[4]`; say it once.
                    if (direct is BtfArray && decl.StartsWith(kw + " ", StringComparison.Ordinal)) return decl;
                    return kw + " " + decl;
                }
            case BtfTypeTag tag:
                // Printed like a qualifier after the type it tags, as bpftool does: `int __attribute__((btf_type_tag("user"))) *p`.
                return Decl(tag.Type, Join($"__attribute__((btf_type_tag(\"{tag.Value}\")))", inner), indent, depth + 1);
            case BtfVar or BtfDeclTag:
                return Decl(((BtfReferenceType)t).Type, inner, indent, depth + 1);
            case BtfFunc f:
                return Decl(f.Type, inner.Length == 0 ? f.Name : inner, indent, depth + 1);
            case BtfArray a:
                return Decl(a.ElementType, inner + "[" + a.Count + "]", indent, depth + 1);
            case BtfFuncProto fp:
                return Decl(fp.ReturnType, inner + "(" + Parameters(fp, indent, depth) + ")", indent, depth + 1);
            case BtfDatasec s:
                return Join($"/* DATASEC {s.Name} */", inner);
            default:
                throw new BtfException($"BTF type [{id}] of kind {t.Kind} cannot be printed as C.");
        }
    }

    private BtfType SkipTags(int id, int depth)
    {
        var t = btf[id];
        for (int i = depth; t is BtfTypeTag tag; i++)
        {
            if (i > MaxDepth) throw new BtfException($"BTF type [{id}]: type tags loop.");
            t = btf[tag.Type];
        }
        return t;
    }

    private string Parameters(BtfFuncProto fp, int indent, int depth)
    {
        if (fp.Parameters.Count == 0) return "void";
        var parts = new string[fp.Parameters.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            var p = fp.Parameters[i];
            parts[i] = i == parts.Length - 1 && p.Type == 0 && p.Name.Length == 0 ? "..." : Decl(p.Type, p.Name, indent, depth + 1);
        }
        return string.Join(", ", parts);
    }

    private static string Keyword(BtfType t) => t is BtfUnion ? "union" : "struct";

    private string Body(BtfComposite c, int indent, int depth)
    {
        if (depth > MaxDepth) throw new BtfException($"BTF type [{c.Id}] nests anonymous types deeper than {MaxDepth} levels (a loop?).");
        var sb = new StringBuilder();
        sb.Append(Keyword(c));
        if (c.Name.Length > 0) sb.Append(' ').Append(c.Name);
        sb.Append(" {");
        if (c.Members.Count == 0) return sb.Append('}').ToString();
        sb.Append('\n');
        bool packed = IsPacked(c);
        long off = 0;
        foreach (var m in c.Members)
        {
            if (c is BtfStruct) Pad(sb, ref off, m, packed, indent + 1);
            sb.Append('\t', indent + 1).Append(Decl(m.Type, m.Name, indent + 1, depth + 1));
            if (m.BitfieldSize != 0) sb.Append(": ").Append(m.BitfieldSize);
            sb.Append(";\n");
            Count(sb.Length);
        }
        if (c is BtfStruct) TrailingPad(sb, off, c, packed, indent + 1);
        sb.Append('\t', indent).Append('}');
        if (packed) sb.Append(" __attribute__((packed))");
        return sb.ToString();
    }

    private string EnumBody(BtfEnumBase e, int indent)
    {
        var sb = new StringBuilder("enum ");
        if (e.Name.Length > 0) sb.Append(e.Name).Append(' ');
        sb.Append("{\n");
        foreach (var v in e.Values)
        {
            sb.Append('\t', indent + 1).Append(v.Name).Append(" = ");
            if (e is BtfEnum64) sb.Append(e.Signed ? $"{v.Value}LL" : $"{(ulong)v.Value}ULL");
            else sb.Append(v.Value);
            sb.Append(",\n");
            Count(sb.Length);
        }
        sb.Append('\t', indent).Append('}');
        return sb.ToString();
    }

    // Padding: members sit where the C compiler would put them unless the BTF says otherwise; gaps the compiler
    // would not leave are written as anonymous bitfields so the printed struct has the same layout.
    private bool IsPacked(BtfComposite c)
    {
        try { return c.Id != 0 && btf.IsPacked(c.Id); }
        catch (BtfException) { return false; }
    }

    private void Pad(StringBuilder sb, ref long off, BtfMember m, bool packed, int indent)
    {
        long next = m.BitOffset;
        long size;
        try
        {
            // A bitfield goes right after the previous member when it fits, so its natural position is `off`.
            long alignBits = packed || m.BitfieldSize != 0 ? 1 : 8L * btf.AlignOf(m.Type);
            // Before a bitfield a zero-width marker would not do; it spells out the bits instead.
            EmitPad(sb, off, next, alignBits, m.BitfieldSize != 0, indent);
            size = m.BitfieldSize != 0 ? m.BitfieldSize : 8 * btf.SizeOf(m.Type);
        }
        catch (BtfException) { size = 0; }
        off = Math.Max(off, next + size);
    }

    private void TrailingPad(StringBuilder sb, long off, BtfComposite c, bool packed, int indent)
    {
        try
        {
            long alignBits = packed ? 8 : 8L * btf.AlignOf(c.Id);
            EmitPad(sb, off, 8L * c.Size, alignBits, false, indent);
        }
        catch (BtfException) { }
    }

    private static readonly (string Name, int Bits)[] PadTypes = [("long", 64), ("int", 32), ("short", 16), ("char", 8)];

    /// <summary>
    /// Fills [from, to) with unnamed bitfields. The widest type whose next boundary is not past `to` is chosen;
    /// a full-width unnamed bitfield cannot straddle its type's boundary, so the compiler itself skips to that
    /// boundary. A zero-width marker forces it where the compiler would otherwise pack the padding into the hole
    /// (before a bitfield, or when the rest of the gap would fit before the boundary).
    /// </summary>
    private static void EmitPad(StringBuilder sb, long from, long to, long nextAlignBits, bool beforeBitfield, int indent)
    {
        if (from >= to) return;
        if ((from + nextAlignBits - 1) / nextAlignBits * nextAlignBits == to) return; // the compiler aligns it
        if (to - from > 1L << 20) throw new BtfException($"Padding of {to - from} bits is too large to print.");
        var (name, bits) = PadTypes[^1];
        long aligned = from;
        foreach (var p in PadTypes)
        {
            (name, bits) = p;
            aligned = (from + bits - 1) / bits * bits;
            if (aligned <= to) break;
        }
        if (aligned > from && aligned <= to)
        {
            bool needMarker = aligned == to
                ? beforeBitfield || (from + nextAlignBits - 1) / nextAlignBits * nextAlignBits < to
                : to - aligned <= aligned - from;
            // Before a bitfield the marker spells out the bits it skips; elsewhere a zero-width one aligns.
            if (needMarker) sb.Append('\t', indent).Append(name).Append(": ").Append(beforeBitfield ? aligned - from : 0).Append(";\n");
            from = aligned;
        }
        while (from < to)
        {
            long n = Math.Min(to - from, bits);
            string type = name;
            if (n < bits)
                foreach (var p in PadTypes.Reverse())
                    if (p.Bits >= n) { type = p.Name; break; }
            sb.Append('\t', indent).Append(type).Append(": ").Append(n).Append(";\n");
            from += n;
        }
    }
}
