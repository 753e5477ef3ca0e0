namespace Ebpf.Object.Btf;

/// <summary>Turns the bytes of one already-validated type into its <see cref="BtfType"/> object.</summary>
internal static class BtfTypeDecoder
{
    public static BtfType Decode(Btf btf, ReadOnlySpan<byte> data, int pos, int id)
    {
        ref byte b = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data);
        int nameOff = (int)BtfIndexer.U32(ref b, pos);
        uint info = BtfIndexer.U32(ref b, pos + 4);
        uint st = BtfIndexer.U32(ref b, pos + 8);
        var kind = (BtfKind)((info >> 24) & 0x1F);
        int vlen = (int)(info & 0xFFFF);
        bool kf = (info >> 31) != 0;
        string name = btf.GetString(nameOff);
        int p = pos + 12;
        BtfType t = kind switch
        {
            BtfKind.Int => DecodeInt(BtfIndexer.U32(ref b, p), name, nameOff, kf, st),
            BtfKind.Pointer => new BtfPointer { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.Typedef => new BtfTypedef { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.Volatile => new BtfVolatile { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.Const => new BtfConst { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.Restrict => new BtfRestrict { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.TypeTag => new BtfTypeTag { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st },
            BtfKind.Float => new BtfFloat { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st },
            BtfKind.Forward => new BtfForward { Name = name, NameOffset = nameOff, KindFlag = kf },
            BtfKind.Func => new BtfFunc { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st, Linkage = (BtfLinkage)vlen },
            BtfKind.Var => new BtfVar { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st, Linkage = (BtfLinkage)BtfIndexer.U32(ref b, p) },
            BtfKind.DeclTag => new BtfDeclTag { Name = name, NameOffset = nameOff, KindFlag = kf, Type = (int)st, ComponentIndex = (int)BtfIndexer.U32(ref b, p) },
            BtfKind.Array => new BtfArray
            {
                Name = name, NameOffset = nameOff, KindFlag = kf,
                ElementType = (int)BtfIndexer.U32(ref b, p), IndexType = (int)BtfIndexer.U32(ref b, p + 4), Count = BtfIndexer.U32(ref b, p + 8),
            },
            BtfKind.Struct => new BtfStruct { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st, Members = Members(btf, ref b, p, vlen, kf) },
            BtfKind.Union => new BtfUnion { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st, Members = Members(btf, ref b, p, vlen, kf) },
            BtfKind.Enum => new BtfEnum { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st, Values = EnumValues(btf, ref b, p, vlen, kf) },
            BtfKind.Enum64 => new BtfEnum64 { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st, Values = Enum64Values(btf, ref b, p, vlen) },
            BtfKind.FuncProto => new BtfFuncProto { Name = name, NameOffset = nameOff, KindFlag = kf, ReturnType = (int)st, Parameters = Params(btf, ref b, p, vlen) },
            BtfKind.Datasec => new BtfDatasec { Name = name, NameOffset = nameOff, KindFlag = kf, Size = st, Variables = DatasecVars(ref b, p, vlen) },
            _ => throw new BtfException($"BTF type [{id}] has unknown kind {(int)kind}."),
        };
        t.Id = id;
        return t;
    }

    private static BtfInt DecodeInt(uint data, string name, int nameOff, bool kf, uint size) => new()
    {
        Name = name, NameOffset = nameOff, KindFlag = kf, Size = size,
        Encoding = (BtfIntEncoding)((data >> 24) & 0x0F), BitOffset = (byte)(data >> 16), Bits = (byte)data,
    };

    private static BtfMember[] Members(Btf btf, ref byte b, int p, int vlen, bool kf)
    {
        var m = new BtfMember[vlen];
        for (int i = 0; i < vlen; i++, p += 12)
        {
            int n = (int)BtfIndexer.U32(ref b, p);
            uint off = BtfIndexer.U32(ref b, p + 8);
            m[i] = kf
                ? new BtfMember(btf.GetString(n), (int)BtfIndexer.U32(ref b, p + 4), off & 0xFFFFFF, (byte)(off >> 24)) { NameOffset = n }
                : new BtfMember(btf.GetString(n), (int)BtfIndexer.U32(ref b, p + 4), off) { NameOffset = n };
        }
        return m;
    }

    private static BtfEnumValue[] EnumValues(Btf btf, ref byte b, int p, int vlen, bool signed)
    {
        var v = new BtfEnumValue[vlen];
        for (int i = 0; i < vlen; i++, p += 8)
        {
            int n = (int)BtfIndexer.U32(ref b, p);
            uint raw = BtfIndexer.U32(ref b, p + 4);
            v[i] = new BtfEnumValue(btf.GetString(n), signed ? (int)raw : raw) { NameOffset = n };
        }
        return v;
    }

    private static BtfEnumValue[] Enum64Values(Btf btf, ref byte b, int p, int vlen)
    {
        var v = new BtfEnumValue[vlen];
        for (int i = 0; i < vlen; i++, p += 12)
        {
            int n = (int)BtfIndexer.U32(ref b, p);
            ulong raw = BtfIndexer.U32(ref b, p + 4) | ((ulong)BtfIndexer.U32(ref b, p + 8) << 32);
            v[i] = new BtfEnumValue(btf.GetString(n), (long)raw) { NameOffset = n };
        }
        return v;
    }

    private static BtfParam[] Params(Btf btf, ref byte b, int p, int vlen)
    {
        var v = new BtfParam[vlen];
        for (int i = 0; i < vlen; i++, p += 8)
        {
            int n = (int)BtfIndexer.U32(ref b, p);
            v[i] = new BtfParam(btf.GetString(n), (int)BtfIndexer.U32(ref b, p + 4)) { NameOffset = n };
        }
        return v;
    }

    private static BtfDatasecVar[] DatasecVars(ref byte b, int p, int vlen)
    {
        var v = new BtfDatasecVar[vlen];
        for (int i = 0; i < vlen; i++, p += 12)
            v[i] = new BtfDatasecVar((int)BtfIndexer.U32(ref b, p), BtfIndexer.U32(ref b, p + 4), BtfIndexer.U32(ref b, p + 8));
        return v;
    }
}
