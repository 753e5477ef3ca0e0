using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Object.Btf;

/// <summary>
/// One pass over the type section: records where each type starts and checks every bound, name offset, kind,
/// reserved bit and referenced type id, without allocating per type.
/// </summary>
/// <remarks>
/// The fast loop is instruction-bound on vmlinux (126,000 types), so it has no per-kind switch and no
/// per-check branch: a table gives each kind's layout, and checks fold into accumulators (largest name offset,
/// largest referenced id, OR of bits that must be zero) tested once at the end. Only when those say something
/// is wrong does the slow path walk again, type by type, to name the type and the problem.
/// </remarks>
internal static class BtfIndexer
{
    /// <summary>Ids a type section of this size can hold at most (each type takes at least 12 bytes), plus void.</summary>
    public static int MaxCount(BtfHeader h) => h.TypeLength / BtfLayout.CommonSize + 1;

    /// <summary>Fills <paramref name="offsets"/> (at least <see cref="MaxCount"/> long) and returns the number of ids.</summary>
    public static int Index(ReadOnlySpan<byte> data, BtfHeader h, Span<int> offsets)
    {
        if (offsets.Length < MaxCount(h) || data.Length < h.TypeStart + h.TypeLength) throw new ArgumentException("buffers too small");
        ref int offs = ref MemoryMarshal.GetReference(offsets);
        offs = -1;
        int pos = h.TypeStart, end = h.TypeStart + h.TypeLength;
        int id = 1;
        // Name offsets are checked against the string table size with a subtraction whose sign bit is OR-ed in
        // (negative means out of range); referenced ids need the final count, so their maximum is kept.
        long strLast = h.StringLength - 1L, nameBad = 0, maxRef = 0;
        uint mustBeZero = 0;
        ref byte b = ref MemoryMarshal.GetReference(data);
        ReadOnlySpan<uint> layout = KindLayout, vlenMask = KindVLenMask, zeroMask = KindZeroMask, refMask = KindRefMask;

        while (end - pos >= BtfLayout.CommonSize)
        {
            uint nameOff = U32(ref b, pos), info = U32(ref b, pos + 4), sizeType = U32(ref b, pos + 8);
            int k = (int)(info >> 24) & 0x1F;
            uint e = layout[k];
            uint vlen = info & 0xFFFF;
            int p = pos + BtfLayout.CommonSize;
            int trailing = (int)((e & 0xFF) + ((e >> 8) & 0xFF) * vlen);
            mustBeZero |= (info & BtfLayout.InfoUnusedMask) | (vlen & vlenMask[k]) | (sizeType & zeroMask[k]);
            nameBad |= strLast - nameOff;
            maxRef = Max(maxRef, sizeType & refMask[k]);
            if (trailing > end - p) break;
            if (e >= EntryName) // has entries or is special (flags above the two size bytes)
            {
                if ((e & EntriesMask) != 0)
                {
                    // Entries start with a name (struct, union, enum, enum64, func_proto) or a type id (datasec);
                    // struct, union and func_proto entries have a type id in their second word.
                    uint nameMask = Mask(e, EntryNameBit), ref0 = Mask(e, EntryRef0Bit), ref1 = Mask(e, EntryRef1Bit);
                    int st = (int)((e >> 8) & 0xFF);
                    for (int q = p, qEnd = p + trailing; q < qEnd; q += st)
                    {
                        uint w0 = U32(ref b, q), w1 = U32(ref b, q + 4);
                        nameBad |= strLast - (w0 & nameMask);
                        maxRef = Max(maxRef, (w0 & ref0) | (w1 & ref1));
                    }
                }
                else if ((e & Special) != 0)
                {
                    // int: reserved bits of the encoding word; array: element and index type ids.
                    uint w0 = U32(ref b, p);
                    if (k == (int)BtfKind.Int) mustBeZero |= w0 & BtfLayout.IntUnusedMask;
                    else maxRef = Max(maxRef, Math.Max(w0, U32(ref b, p + 4)));
                }
                mustBeZero |= e & Invalid;
            }
            Unsafe.Add(ref offs, id++) = pos; // id < MaxCount: every type took at least 12 bytes
            pos = p + trailing;
        }
        if (pos != end || mustBeZero != 0 || nameBad < 0 || maxRef >= id)
            SlowValidate(data, h);
        return id;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint U32(ref byte b, int pos) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, pos));

    // Branch-free max: the JIT keeps branches inside loops, and these would mispredict.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Max(long m, uint x)
    {
        long d = x - m;
        return m + (d & ~(d >> 63));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mask(uint e, int bit) => (uint)-(int)((e >> bit) & 1);

    // Kind table entry: bits 0-7 fixed trailing bytes, 8-15 bytes per vlen entry, then flags.
    private const uint EntriesMask = 0xFF00;
    private const int NoVLenBit = 16, ZeroSizeBit = 17, SizeIsRefBit = 18, EntryNameBit = 19, EntryRef0Bit = 20, EntryRef1Bit = 21;
    private const uint NoVLen = 1u << NoVLenBit, ZeroSize = 1u << ZeroSizeBit, SizeIsRef = 1u << SizeIsRefBit;
    private const uint EntryName = 1u << EntryNameBit, EntryRef0 = 1u << EntryRef0Bit, EntryRef1 = 1u << EntryRef1Bit;
    private const uint Special = 1u << 22, Invalid = 1u << 23;

    private static ReadOnlySpan<uint> KindTable =>
    [
        Invalid,                                    // 0: not a kind
        4 | NoVLen | Special,                       // int
        NoVLen | SizeIsRef,                         // ptr
        12 | NoVLen | ZeroSize | Special,           // array
        12 << 8 | EntryName | EntryRef1,           // struct
        12 << 8 | EntryName | EntryRef1,           // union
        8 << 8 | EntryName,                         // enum
        NoVLen | ZeroSize,                          // fwd
        NoVLen | SizeIsRef,                         // typedef
        NoVLen | SizeIsRef,                         // volatile
        NoVLen | SizeIsRef,                         // const
        NoVLen | SizeIsRef,                         // restrict
        SizeIsRef,                                  // func (vlen holds the linkage)
        8 << 8 | SizeIsRef | EntryName | EntryRef1, // func_proto
        4 | NoVLen | SizeIsRef,                     // var
        12 << 8 | EntryRef0,                        // datasec
        NoVLen,                                     // float
        4 | NoVLen | SizeIsRef,                     // decl_tag
        NoVLen | SizeIsRef,                         // type_tag
        12 << 8 | EntryName,                        // enum64
        Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid,
    ];

    // The same facts as separate masks, so the loop needs one load per check instead of bit twiddling.
    private static ReadOnlySpan<uint> KindLayout =>
    [
        Invalid, 4 | Special, 0, 12 | Special, 12 << 8 | EntryName | EntryRef1, 12 << 8 | EntryName | EntryRef1, 8 << 8 | EntryName,
        0, 0, 0, 0, 0, 0, 8 << 8 | EntryName | EntryRef1, 4, 12 << 8 | EntryRef0, 0, 4, 0, 12 << 8 | EntryName,
        Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid, Invalid,
    ];

    // vlen must be 0: int, ptr, array, fwd, typedef, volatile, const, restrict, var, float, decl_tag, type_tag.
    private static ReadOnlySpan<uint> KindVLenMask =>
        [0, ~0u, ~0u, ~0u, 0, 0, 0, ~0u, ~0u, ~0u, ~0u, ~0u, 0, 0, ~0u, 0, ~0u, ~0u, ~0u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // size/type word must be 0: array, fwd.
    private static ReadOnlySpan<uint> KindZeroMask =>
        [0, 0, 0, ~0u, 0, 0, 0, ~0u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // size/type word is a type id: ptr, typedef, volatile, const, restrict, func, func_proto, var, decl_tag, type_tag.
    private static ReadOnlySpan<uint> KindRefMask =>
        [0, 0, ~0u, 0, 0, 0, 0, 0, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0, 0, ~0u, ~0u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Walks again type by type and throws naming the first type that is wrong and why.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void SlowValidate(ReadOnlySpan<byte> data, BtfHeader h)
    {
        ref byte b = ref MemoryMarshal.GetReference(data);
        int start = h.TypeStart, end = h.TypeStart + h.TypeLength;
        uint strLen = (uint)h.StringLength;
        var offsets = new List<int> { -1 };
        for (int pos = start, id = 1; pos < end; id++)
        {
            if (end - pos < BtfLayout.CommonSize)
                throw new BtfException($"BTF type [{id}] at type section offset {pos - start} is truncated: {end - pos} bytes left, 12 needed.");
            uint nameOff = U32(ref b, pos), info = U32(ref b, pos + 4), sizeType = U32(ref b, pos + 8);
            if (nameOff >= strLen) throw NameError(id, "name", nameOff, strLen);
            if ((info & BtfLayout.InfoUnusedMask) != 0)
                throw new BtfException($"BTF type [{id}] has reserved bits set in its info word 0x{info:x8}.");
            var kind = (BtfKind)((info >> 24) & 0x1F);
            int vlen = (int)(info & 0xFFFF);
            uint e = KindTable[(int)kind];
            if ((e & Invalid) != 0) throw new BtfException($"BTF type [{id}] has unknown kind {(int)kind}.");
            string kindName = BtfPrinter.KindName(kind);
            if ((e & NoVLen) != 0 && vlen != 0) throw new BtfException($"BTF type [{id}] {kindName} has vlen {vlen}; this kind must have vlen 0.");
            if ((e & ZeroSize) != 0 && sizeType != 0) throw new BtfException($"BTF type [{id}] {kindName} has non-zero size/type word {sizeType}.");
            int p = pos + BtfLayout.CommonSize;
            int trailing = BtfLayout.TrailingSize(kind, vlen);
            if (end - p < trailing)
                throw new BtfException($"BTF type [{id}] {kindName} with vlen {vlen} needs {trailing} more bytes at type section offset {p - start}, but only {end - p} are left.");
            if (kind == BtfKind.Int && (U32(ref b, p) & BtfLayout.IntUnusedMask) != 0)
                throw new BtfException($"BTF type [{id}] INT has reserved bits set in its encoding word 0x{U32(ref b, p):x8}.");
            if ((e & EntryName) != 0)
            {
                int stride = (int)((e >> 8) & 0xFF);
                string what = kind switch { BtfKind.Enum or BtfKind.Enum64 => "value", BtfKind.FuncProto => "parameter", _ => "member" };
                for (int i = 0; i < vlen; i++)
                    if (U32(ref b, p + i * stride) is var n && n >= strLen) throw NameError(id, $"{what} {i} name", n, strLen);
            }
            offsets.Add(pos);
            pos = p + trailing;
        }
        int count = offsets.Count;
        for (int id = 1; id < count; id++)
            foreach (uint r in References(ref b, offsets[id]))
                if (r >= (uint)count)
                    throw new BtfException($"BTF type [{id}] references type id {r}, but the largest type id is {count - 1}.");
        throw new BtfException("BTF type section is invalid.");
    }

    private static BtfException NameError(int id, string what, uint off, uint strLen) =>
        new($"BTF type [{id}] {what} offset {off} is outside the {strLen}-byte string table.");

    private static List<uint> References(ref byte b, int pos)
    {
        var refs = new List<uint>();
        uint info = U32(ref b, pos + 4);
        uint e = KindTable[(int)((info >> 24) & 0x1F)];
        int vlen = (int)(info & 0xFFFF), p = pos + 12;
        if ((e & SizeIsRef) != 0) refs.Add(U32(ref b, pos + 8));
        if ((BtfKind)((info >> 24) & 0x1F) == BtfKind.Array) { refs.Add(U32(ref b, p)); refs.Add(U32(ref b, p + 4)); }
        int stride = (int)((e >> 8) & 0xFF);
        for (int i = 0; stride != 0 && i < vlen; i++)
        {
            if ((e & EntryRef0) != 0) refs.Add(U32(ref b, p + i * stride));
            if ((e & EntryRef1) != 0) refs.Add(U32(ref b, p + i * stride + 4));
        }
        return refs;
    }
}
