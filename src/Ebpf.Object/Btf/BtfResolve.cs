namespace Ebpf.Object.Btf;

// Walking references. Parse does not look for loops (that needs a graph walk over every type);
// these walks carry a depth limit instead, like libbpf's MAX_RESOLVE_DEPTH.
public sealed partial class Btf
{
    /// <summary>Longest chain of typedefs/qualifiers/arrays followed before declaring a loop.</summary>
    public const int MaxResolveDepth = 32;

    /// <summary>Follows typedef, const, volatile, restrict and type_tag to the underlying type.</summary>
    public BtfType Skip(int id)
    {
        var t = this[id];
        for (int depth = 0; ; depth++)
        {
            if (t is not (BtfTypedef or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag)) return t;
            if (depth >= MaxResolveDepth)
                throw new BtfException($"BTF type [{id}] does not resolve within {MaxResolveDepth} typedef/qualifier steps (a loop?), stuck at [{t.Id}].");
            t = this[((BtfReferenceType)t).Type];
        }
    }

    /// <summary>Same as <see cref="Skip"/>, returning the id.</summary>
    public int ResolveType(int id) => Skip(id).Id;

    /// <summary>Size in bytes of a type as a C sizeof would give it (pointers are 8 bytes).</summary>
    public long SizeOf(int id)
    {
        long multiplier = 1;
        int cur = id;
        for (int depth = 0; depth <= MaxResolveDepth; depth++)
        {
            var t = this[cur];
            long size;
            switch (t)
            {
                case BtfInt i: size = i.Size; break;
                case BtfFloat f: size = f.Size; break;
                case BtfComposite c: size = c.Size; break;
                case BtfEnumBase e: size = e.Size; break;
                case BtfDatasec d: size = d.Size; break;
                case BtfPointer: size = 8; break;
                case BtfTypedef or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag or BtfVar or BtfDeclTag:
                    cur = ((BtfReferenceType)t).Type;
                    continue;
                case BtfArray a:
                    multiplier *= a.Count;
                    if (multiplier > uint.MaxValue)
                        throw new BtfException($"BTF type [{id}]: array size exceeds {uint.MaxValue} bytes at [{t.Id}].");
                    cur = a.ElementType;
                    continue;
                default:
                    throw new BtfException($"BTF type [{id}] has no size: it resolves to [{t.Id}] {BtfPrinter.KindName(t.Kind)}.");
            }
            long total = multiplier * size;
            if (total > uint.MaxValue)
                throw new BtfException($"BTF type [{id}]: size {multiplier} x {size} exceeds {uint.MaxValue} bytes.");
            return total;
        }
        throw new BtfException($"BTF type [{id}] does not resolve to a sized type within {MaxResolveDepth} steps (a loop?).");
    }

    /// <summary>Nesting allowed while computing alignment of structs within structs.</summary>
    private const int MaxNesting = 64;
    private int[]? _align; // memo: 0 unknown, -1 in progress (a loop), else the alignment

    /// <summary>Natural alignment in bytes (as the C compiler would use), for the C printer's padding decisions.</summary>
    public int AlignOf(int id) => AlignOf(id, 0);

    private int AlignOf(int id, int nesting)
    {
        var t = Skip(id);
        int guard = 0;
        while (t is BtfArray a)
        {
            if (++guard > MaxResolveDepth) throw new BtfException($"BTF type [{id}]: arrays nest deeper than {MaxResolveDepth} levels (a loop?).");
            t = Skip(a.ElementType);
        }
        switch (t)
        {
            case BtfInt i: return (int)Math.Clamp(i.Size, 1u, 8u);
            case BtfFloat f: return (int)Math.Clamp(f.Size, 1u, 8u);
            case BtfEnumBase e: return (int)Math.Clamp(e.Size, 1u, 8u);
            case BtfPointer: return 8;
            case BtfComposite c:
                {
                    var memo = _align ??= new int[Count];
                    int known = memo[t.Id];
                    if (known > 0) return known;
                    if (known < 0 || nesting > MaxNesting)
                        throw new BtfException($"BTF type [{t.Id}] contains itself or nests deeper than {MaxNesting} levels.");
                    memo[t.Id] = -1;
                    int align = 1;
                    try
                    {
                        foreach (var m in c.Members) align = Math.Max(align, AlignOf(m.Type, nesting + 1));
                        // A packed struct (size or a member offset off its natural alignment) aligns to 1 byte.
                        if (IsPacked(c, align, nesting)) align = 1;
                    }
                    catch { memo[t.Id] = 0; throw; }
                    memo[t.Id] = align;
                    return align;
                }
            default: return 1;
        }
    }

    /// <summary>Whether a struct or union needs <c>__attribute__((packed))</c> to get its BTF layout.</summary>
    public bool IsPacked(int id)
    {
        if (Skip(id) is not BtfComposite c) return false;
        int natural = 1;
        foreach (var m in c.Members) natural = Math.Max(natural, AlignOf(m.Type, 1));
        return IsPacked(c, natural, 0);
    }

    private bool IsPacked(BtfComposite c, int naturalAlign, int nesting)
    {
        if (c.Size % (uint)naturalAlign != 0) return true;
        foreach (var m in c.Members)
            if (m.BitfieldSize == 0 && m.BitOffset % (8u * (uint)AlignOf(m.Type, nesting + 1)) != 0) return true;
        return false;
    }
}
