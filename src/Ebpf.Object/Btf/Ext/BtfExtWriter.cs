namespace Ebpf.Object.Btf;

/// <summary>Encodes a <see cref="BtfExt"/>: header, then the subsections in the recorded order and gaps.</summary>
internal static class BtfExtWriter
{
    public static byte[] Write(BtfExt ext, BtfExtLayout layout)
    {
        bool hasCore = layout.HeaderLength >= BtfExtLayout.CoreHeaderSize;
        if (!hasCore && ext.CoreRelocationSections.Count > 0)
            throw new BtfException("BTF.ext has CO-RE relocations but its header is too short to describe them.");
        var w = new ByteWriter(1024);
        w.U16(BtfLayout.Magic);
        w.U8(layout.Version);
        w.U8(layout.Flags);
        w.U32(layout.HeaderLength);
        int fields = w.Length;
        for (int i = 0; i < (hasCore ? 6 : 4); i++) w.U32(0);
        w.Bytes(layout.HeaderExtra);
        int metaStart = w.Length;
        var offsets = new uint[3];
        var lengths = new uint[3];
        foreach (int which in layout.Order)
        {
            w.Bytes(layout.GapBefore[which]);
            int start = w.Length;
            switch (which)
            {
                case BtfExt.FuncInfo:
                    Subsection(w, ext.FuncInfoSections, layout, which, (w, r) => { w.U32(r.InstructionOffset); w.U32((uint)r.TypeId); Extra(w, r.Extra, layout, which, 8); });
                    break;
                case BtfExt.LineInfo:
                    Subsection(w, ext.LineInfoSections, layout, which, (w, r) =>
                    {
                        if (r.Column > BtfLineInfo.MaxColumn || r.Line > BtfLineInfo.MaxLine)
                            throw new BtfException($"BTF.ext line_info {r.FileName}:{r.Line}:{r.Column} does not fit (line < 2^22, column < 1024).");
                        w.U32(r.InstructionOffset); w.U32((uint)r.FileNameOffset); w.U32((uint)r.LineTextOffset); w.U32((r.Line << 10) | r.Column);
                        Extra(w, r.Extra, layout, which, 16);
                    });
                    break;
                default:
                    if (hasCore)
                        Subsection(w, ext.CoreRelocationSections, layout, which, (w, r) =>
                        {
                            w.U32(r.InstructionOffset); w.U32((uint)r.TypeId); w.U32((uint)r.AccessStringOffset); w.U32((uint)r.Kind);
                            Extra(w, r.Extra, layout, which, 16);
                        });
                    break;
            }
            lengths[which] = (uint)(w.Length - start);
            offsets[which] = lengths[which] == 0 && layout.EmptyOffset[which] is { } raw ? raw : (uint)(start - metaStart);
        }
        w.Bytes(layout.Trailing);
        for (int i = 0; i < (hasCore ? 3 : 2); i++)
        {
            w.PatchU32(fields + 8 * i, offsets[i]);
            w.PatchU32(fields + 8 * i + 4, lengths[i]);
        }
        return w.ToArray();
    }

    private static void Subsection<T>(ByteWriter w, IReadOnlyList<BtfExtSection<T>> sections, BtfExtLayout layout, int which, Action<ByteWriter, T> record)
    {
        if (sections.Count == 0 && !layout.HeaderOnly[which]) return;
        w.U32((uint)layout.RecordSize[which]);
        foreach (var s in sections)
        {
            w.U32((uint)s.SectionNameOffset);
            w.U32((uint)s.Records.Count);
            foreach (var r in s.Records) record(w, r);
        }
    }

    // Record bytes past the known fields: written back as read, or zero-filled up to the record size.
    private static void Extra(ByteWriter w, byte[]? extra, BtfExtLayout layout, int which, int known)
    {
        int want = layout.RecordSize[which] - known;
        int have = extra?.Length ?? 0;
        if (have > want) throw new BtfException($"BTF.ext record has {have} extra bytes but the record size {layout.RecordSize[which]} leaves room for {want}.");
        if (extra != null) w.Bytes(extra);
        for (int i = have; i < want; i++) w.U8(0);
    }
}
