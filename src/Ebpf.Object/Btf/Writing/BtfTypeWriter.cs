namespace Ebpf.Object.Btf;

/// <summary>Where the writer gets string offsets: the stored ones (lossless rewrite) or a builder's table.</summary>
internal interface IBtfNameSink
{
    int Offset(string name, int storedOffset);
}

/// <summary>Encodes one <see cref="BtfType"/> in the kernel's binary layout.</summary>
internal static class BtfTypeWriter
{
    public static void Write(ByteWriter w, BtfType t, IBtfNameSink names)
    {
        int vlen = t.VLen;
        if ((uint)vlen > BtfLayout.MaxVLen)
            throw new BtfException($"BTF type {Describe(t)} has {vlen} entries; BTF allows at most {BtfLayout.MaxVLen}.");
        if (t.Kind == BtfKind.Void) throw new BtfException("Type id 0 (void) is implicit and cannot be written.");
        uint info = (t.KindFlag ? 1u << 31 : 0) | ((uint)t.Kind << 24) | (uint)vlen;
        w.U32((uint)names.Offset(t.Name, t.NameOffset));
        w.U32(info);
        switch (t)
        {
            case BtfInt i:
                if ((byte)i.Encoding > 0x0F) throw new BtfException($"BTF type {Describe(t)} has encoding {(int)i.Encoding}; only 4 bits are available.");
                w.U32(i.Size);
                w.U32(((uint)i.Encoding << 24) | ((uint)i.BitOffset << 16) | i.Bits);
                break;
            case BtfFloat f:
                w.U32(f.Size);
                break;
            case BtfForward:
                w.U32(0);
                break;
            case BtfVar v:
                w.U32((uint)v.Type);
                w.U32((uint)v.Linkage);
                break;
            case BtfDeclTag d:
                w.U32((uint)d.Type);
                w.I32(d.ComponentIndex);
                break;
            case BtfReferenceType r: // ptr, typedef, qualifiers, type tag, func
                w.U32((uint)r.Type);
                break;
            case BtfArray a:
                w.U32(0);
                w.U32((uint)a.ElementType);
                w.U32((uint)a.IndexType);
                w.U32(a.Count);
                break;
            case BtfComposite c:
                w.U32(c.Size);
                foreach (var m in c.Members)
                {
                    w.U32((uint)names.Offset(m.Name, m.NameOffset));
                    w.U32((uint)m.Type);
                    if (c.KindFlag)
                    {
                        if (m.BitOffset > 0xFFFFFF)
                            throw new BtfException($"BTF type {Describe(t)} member '{m.Name}' bit offset {m.BitOffset} does not fit the 24 bits available with bitfield sizes.");
                        w.U32(((uint)m.BitfieldSize << 24) | m.BitOffset);
                    }
                    else
                    {
                        if (m.BitfieldSize != 0)
                            throw new BtfException($"BTF type {Describe(t)} member '{m.Name}' has a bitfield size but the type does not set HasBitfieldSizes (kind_flag).");
                        w.U32(m.BitOffset);
                    }
                }
                break;
            case BtfEnum e:
                w.U32(e.Size);
                foreach (var v in e.Values)
                {
                    if (v.Value < int.MinValue || v.Value > uint.MaxValue)
                        throw new BtfException($"BTF type {Describe(t)} value '{v.Name}' = {v.Value} does not fit 32 bits; use ENUM64.");
                    w.U32((uint)names.Offset(v.Name, v.NameOffset));
                    w.U32((uint)v.Value);
                }
                break;
            case BtfEnum64 e:
                w.U32(e.Size);
                foreach (var v in e.Values)
                {
                    w.U32((uint)names.Offset(v.Name, v.NameOffset));
                    w.U32((uint)(ulong)v.Value);
                    w.U32((uint)((ulong)v.Value >> 32));
                }
                break;
            case BtfFuncProto p:
                w.U32((uint)p.ReturnType);
                foreach (var prm in p.Parameters)
                {
                    w.U32((uint)names.Offset(prm.Name, prm.NameOffset));
                    w.U32((uint)prm.Type);
                }
                break;
            case BtfDatasec s:
                w.U32(s.Size);
                foreach (var v in s.Variables)
                {
                    w.U32((uint)v.Type);
                    w.U32(v.Offset);
                    w.U32(v.Size);
                }
                break;
            default:
                throw new BtfException($"BTF type {Describe(t)}: kind {t.Kind} cannot be written.");
        }
    }

    private static string Describe(BtfType t) => t.Name.Length == 0 ? $"[{t.Id}] {t.Kind}" : $"[{t.Id}] {t.Kind} '{t.Name}'";
}
