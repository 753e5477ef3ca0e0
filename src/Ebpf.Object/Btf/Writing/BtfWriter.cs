namespace Ebpf.Object.Btf;

/// <summary>Lays out a whole .BTF blob: header, types (ids 1..n), strings, and any preserved extra bytes.</summary>
internal static class BtfWriter
{
    public static byte[] Write(BtfHeader h, IEnumerable<BtfType> types, int typeBytesHint, ReadOnlySpan<byte> strings, IBtfNameSink names)
    {
        int hdrLen = BtfLayout.HeaderSize + h.HeaderExtra.Length;
        var w = new ByteWriter(hdrLen + h.BeforeTypes.Length + typeBytesHint + h.BetweenSections.Length + strings.Length + h.Trailing.Length);
        w.U16(BtfLayout.Magic);
        w.U8(h.Version);
        w.U8(h.Flags);
        w.U32((uint)hdrLen);
        int lengths = w.Length;
        w.U32(0); w.U32(0); w.U32(0); w.U32(0); // type_off, type_len, str_off, str_len: patched below
        w.Bytes(h.HeaderExtra);
        w.Bytes(h.BeforeTypes);
        int typeStart = w.Length;
        foreach (var t in types) BtfTypeWriter.Write(w, t, names);
        int typeLen = w.Length - typeStart;
        w.Bytes(h.BetweenSections);
        int strStart = w.Length;
        w.Bytes(strings);
        w.Bytes(h.Trailing);
        w.PatchU32(lengths, (uint)(typeStart - hdrLen));
        w.PatchU32(lengths + 4, (uint)typeLen);
        w.PatchU32(lengths + 8, (uint)(strStart - hdrLen));
        w.PatchU32(lengths + 12, (uint)strings.Length);
        return w.ToArray();
    }

    /// <summary>Writes back the offsets each type and member was read with.</summary>
    internal sealed class StoredNames : IBtfNameSink
    {
        public static readonly StoredNames Instance = new();
        public int Offset(string name, int storedOffset) => storedOffset;
    }
}
