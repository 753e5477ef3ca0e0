using System.Runtime.CompilerServices;

namespace Ebpf.Object.Btf;

/// <summary>
/// One pass over the type section: records where each type starts and checks every bound, name offset,
/// kind and reserved bit, and every referenced type id, without allocating per type.
/// Forward references are checked at the end against the final count (only the largest one matters).
/// </summary>
internal static class BtfIndexer
{
    public static int[] Index(byte[] data, BtfHeader h, out int count)
    {
        // Each type takes at least 12 bytes, so this bounds the number of ids (+1 for void).
        var offsets = GC.AllocateUninitializedArray<int>(h.TypeLength / BtfLayout.CommonSize + 1);
        offsets[0] = -1;
        uint strLen = (uint)h.StringLength;
        int pos = h.TypeStart, end = h.TypeStart + h.TypeLength;
        int id = 1;
        uint maxRef = 0;
        int maxRefOwner = 0;
        ref byte b = ref data[0];

        while (pos < end)
        {
            if (end - pos < BtfLayout.CommonSize)
                throw new BtfException($"BTF type [{id}] at type section offset {pos - h.TypeStart} is truncated: {end - pos} bytes left, 12 needed.");
            uint nameOff = U32(ref b, pos);
            uint info = U32(ref b, pos + 4);
            uint sizeType = U32(ref b, pos + 8);
            if (nameOff >= strLen) throw NameOutOfRange(id, nameOff, strLen, "name");
            if ((info & BtfLayout.InfoUnusedMask) != 0)
                throw new BtfException($"BTF type [{id}] has reserved bits set in its info word 0x{info:x8}.");
            var kind = (BtfKind)((info >> 24) & 0x1F);
            int vlen = (int)(info & 0xFFFF);
            int trailing = BtfLayout.TrailingSize(kind, vlen);
            if (trailing < 0 || kind == BtfKind.Void)
                throw new BtfException($"BTF type [{id}] has unknown kind {(int)kind}.");
            int p = pos + BtfLayout.CommonSize;
            if (end - p < trailing)
                throw new BtfException($"BTF type [{id}] {BtfPrinter.KindName(kind)} with vlen {vlen} needs {trailing} more bytes at type section offset {p - h.TypeStart}, but only {end - p} are left.");

            switch (kind)
            {
                case BtfKind.Int:
                    NoVLen(id, kind, vlen);
                    uint intData = U32(ref b, p);
                    if ((intData & BtfLayout.IntUnusedMask) != 0)
                        throw new BtfException($"BTF type [{id}] INT has reserved bits set in its encoding word 0x{intData:x8}.");
                    break;
                case BtfKind.Float:
                    NoVLen(id, kind, vlen);
                    break;
                case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag:
                    NoVLen(id, kind, vlen);
                    Ref(sizeType, id, ref maxRef, ref maxRefOwner);
                    break;
                case BtfKind.Var or BtfKind.DeclTag:
                    NoVLen(id, kind, vlen);
                    Ref(sizeType, id, ref maxRef, ref maxRefOwner);
                    break;
                case BtfKind.Func: // vlen holds the linkage
                    Ref(sizeType, id, ref maxRef, ref maxRefOwner);
                    break;
                case BtfKind.Forward:
                    NoVLen(id, kind, vlen);
                    if (sizeType != 0) throw new BtfException($"BTF type [{id}] FWD has non-zero size/type word {sizeType}.");
                    break;
                case BtfKind.Array:
                    NoVLen(id, kind, vlen);
                    if (sizeType != 0) throw new BtfException($"BTF type [{id}] ARRAY has non-zero size/type word {sizeType}.");
                    Ref(U32(ref b, p), id, ref maxRef, ref maxRefOwner);
                    Ref(U32(ref b, p + 4), id, ref maxRef, ref maxRefOwner);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    for (int i = 0, q = p; i < vlen; i++, q += 12)
                    {
                        uint n = U32(ref b, q);
                        if (n >= strLen) throw NameOutOfRange(id, n, strLen, $"member {i} name");
                        Ref(U32(ref b, q + 4), id, ref maxRef, ref maxRefOwner);
                    }
                    break;
                case BtfKind.Enum:
                    for (int i = 0, q = p; i < vlen; i++, q += 8)
                    {
                        uint n = U32(ref b, q);
                        if (n >= strLen) throw NameOutOfRange(id, n, strLen, $"value {i} name");
                    }
                    break;
                case BtfKind.Enum64:
                    for (int i = 0, q = p; i < vlen; i++, q += 12)
                    {
                        uint n = U32(ref b, q);
                        if (n >= strLen) throw NameOutOfRange(id, n, strLen, $"value {i} name");
                    }
                    break;
                case BtfKind.FuncProto:
                    Ref(sizeType, id, ref maxRef, ref maxRefOwner);
                    for (int i = 0, q = p; i < vlen; i++, q += 8)
                    {
                        uint n = U32(ref b, q);
                        if (n >= strLen) throw NameOutOfRange(id, n, strLen, $"parameter {i} name");
                        Ref(U32(ref b, q + 4), id, ref maxRef, ref maxRefOwner);
                    }
                    break;
                case BtfKind.Datasec:
                    for (int i = 0, q = p; i < vlen; i++, q += 12)
                        Ref(U32(ref b, q), id, ref maxRef, ref maxRefOwner);
                    break;
            }
            offsets[id++] = pos;
            pos = p + trailing;
        }
        count = id;
        if (maxRef >= (uint)count)
            throw new BtfException($"BTF type [{maxRefOwner}] references type id {maxRef}, but the largest type id is {count - 1}.");
        return offsets;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint U32(ref byte b, int pos) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, pos));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ref(uint typeId, int owner, ref uint maxRef, ref int maxRefOwner)
    {
        if (typeId > maxRef) { maxRef = typeId; maxRefOwner = owner; }
    }

    private static void NoVLen(int id, BtfKind kind, int vlen)
    {
        if (vlen != 0) throw new BtfException($"BTF type [{id}] {BtfPrinter.KindName(kind)} has vlen {vlen}; this kind must have vlen 0.");
    }

    private static BtfException NameOutOfRange(int id, uint off, uint strLen, string what) =>
        new($"BTF type [{id}] {what} offset {off} is outside the {strLen}-byte string table.");
}
