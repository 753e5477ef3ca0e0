using System.Buffers.Binary;

namespace Ebpf.Object.Btf;

/// <summary>
/// The .BTF.ext section: per ELF section, function info, line info and CO-RE relocation records.
/// Strings and type ids refer to the object's .BTF. Writing a parsed blob gives back its bytes.
/// </summary>
public sealed class BtfExt
{
    internal const int FuncInfo = 0, LineInfo = 1, CoreRelo = 2;
    internal static readonly int[] MinRecordSize = [8, 16, 16];
    private static readonly string[] SubsectionName = ["func_info", "line_info", "core_relo"];

    private readonly BtfExtLayout _layout;

    /// <summary>
    /// Builds a .BTF.ext from records whose string offsets (section names, file names, line text, access strings)
    /// already point into the .BTF string table (for example offsets from <see cref="BtfBuilder.AddString"/>).
    /// </summary>
    public BtfExt(
        IReadOnlyList<BtfExtSection<BtfFuncInfo>> funcInfos,
        IReadOnlyList<BtfExtSection<BtfLineInfo>> lineInfos,
        IReadOnlyList<BtfExtSection<BtfCoreRelocation>> coreRelocations)
        : this(funcInfos, lineInfos, coreRelocations, new BtfExtLayout()) { }

    private BtfExt(
        IReadOnlyList<BtfExtSection<BtfFuncInfo>> funcInfos,
        IReadOnlyList<BtfExtSection<BtfLineInfo>> lineInfos,
        IReadOnlyList<BtfExtSection<BtfCoreRelocation>> coreRelocations,
        BtfExtLayout layout)
    {
        FuncInfoSections = funcInfos;
        LineInfoSections = lineInfos;
        CoreRelocationSections = coreRelocations;
        _layout = layout;
        FuncInfos = Merge(funcInfos);
        LineInfos = Merge(lineInfos);
        CoreRelocations = Merge(coreRelocations);
    }

    /// <summary>Blocks as stored: one per ELF section, in file order (a name may repeat).</summary>
    public IReadOnlyList<BtfExtSection<BtfFuncInfo>> FuncInfoSections { get; }
    public IReadOnlyList<BtfExtSection<BtfLineInfo>> LineInfoSections { get; }
    public IReadOnlyList<BtfExtSection<BtfCoreRelocation>> CoreRelocationSections { get; }

    /// <summary>Records by ELF section name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<BtfFuncInfo>> FuncInfos { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<BtfLineInfo>> LineInfos { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<BtfCoreRelocation>> CoreRelocations { get; }

    /// <summary>Record sizes from the file (larger than the known fields when a newer producer wrote them).</summary>
    public int FuncInfoRecordSize => _layout.RecordSize[FuncInfo];
    public int LineInfoRecordSize => _layout.RecordSize[LineInfo];
    public int CoreRelocationRecordSize => _layout.RecordSize[CoreRelo];

    private static Dictionary<string, IReadOnlyList<T>> Merge<T>(IReadOnlyList<BtfExtSection<T>> sections)
    {
        var d = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        foreach (var s in sections)
            d[s.SectionName] = d.TryGetValue(s.SectionName, out var prev) ? [.. prev, .. s.Records] : s.Records;
        return d;
    }

    public static BtfExt Parse(ReadOnlySpan<byte> data, Btf btf)
    {
        ArgumentNullException.ThrowIfNull(btf);
        if (data.Length < BtfExtLayout.BaseHeaderSize)
            throw new BtfException($"BTF.ext is truncated: {data.Length} bytes is shorter than the {BtfExtLayout.BaseHeaderSize}-byte header.");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (magic != BtfLayout.Magic) throw new BtfException($"Bad BTF.ext magic 0x{magic:x4}, expected 0xeb9f.");
        var layout = new BtfExtLayout { Version = data[2], Flags = data[3] };
        if (layout.Version != 1) throw new BtfException($"Unsupported BTF.ext version {layout.Version}, expected 1.");
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (hdrLen < BtfExtLayout.BaseHeaderSize || hdrLen > (uint)data.Length)
            throw new BtfException($"BTF.ext header length {hdrLen} is invalid: it must be at least {BtfExtLayout.BaseHeaderSize} and within the {data.Length}-byte blob.");
        layout.HeaderLength = hdrLen;
        int known = hdrLen >= BtfExtLayout.CoreHeaderSize ? BtfExtLayout.CoreHeaderSize : BtfExtLayout.BaseHeaderSize;
        layout.HeaderExtra = data[known..(int)hdrLen].ToArray();
        int subsections = known == BtfExtLayout.CoreHeaderSize ? 3 : 2;
        var meta = data[(int)hdrLen..];

        var off = new uint[3];
        var len = new uint[3];
        for (int i = 0; i < subsections; i++)
        {
            off[i] = BinaryPrimitives.ReadUInt32LittleEndian(data[(8 + 8 * i)..]);
            len[i] = BinaryPrimitives.ReadUInt32LittleEndian(data[(12 + 8 * i)..]);
            if (len[i] != 0 && (long)off[i] + len[i] > meta.Length)
                throw new BtfException($"BTF.ext {SubsectionName[i]} [{off[i]}, {(long)off[i] + len[i]}) runs past the end of the data ({meta.Length} bytes after the header).");
        }

        // Order non-empty subsections by offset; the bytes between them are kept.
        var present = Enumerable.Range(0, 3).Where(i => len[i] != 0).OrderBy(i => off[i]).ToList();
        var order = new List<int>();
        long prevEnd = 0;
        foreach (int i in present)
        {
            if (off[i] < prevEnd)
                throw new BtfException($"BTF.ext {SubsectionName[i]} at offset {off[i]} overlaps the preceding subsection ending at {prevEnd}.");
            layout.GapBefore[i] = meta[(int)prevEnd..(int)off[i]].ToArray();
            prevEnd = off[i] + len[i];
            order.Add(i);
        }
        layout.Trailing = meta[(int)prevEnd..].ToArray();
        for (int i = 0; i < 3; i++)
        {
            if (len[i] != 0) continue;
            order.Add(i);
            if (i < subsections) layout.EmptyOffset[i] = off[i];
        }
        layout.Order = [.. order];

        var funcs = ReadSubsection(meta, off[FuncInfo], len[FuncInfo], FuncInfo, btf, layout, (r, _) =>
        {
            uint typeId = BinaryPrimitives.ReadUInt32LittleEndian(r[4..]);
            CheckType(btf, typeId, "func_info");
            return new BtfFuncInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), (int)typeId) { Extra = ExtraBytes(r, 8) };
        });
        var lines = ReadSubsection(meta, off[LineInfo], len[LineInfo], LineInfo, btf, layout, (r, _) =>
        {
            int file = (int)BinaryPrimitives.ReadUInt32LittleEndian(r[4..]);
            int line = (int)BinaryPrimitives.ReadUInt32LittleEndian(r[8..]);
            uint lineCol = BinaryPrimitives.ReadUInt32LittleEndian(r[12..]);
            return new BtfLineInfo(BinaryPrimitives.ReadUInt32LittleEndian(r), ExtString(btf, file, "line_info file name"),
                ExtString(btf, line, "line_info line text"), lineCol >> 10, lineCol & BtfLineInfo.MaxColumn)
            { FileNameOffset = file, LineTextOffset = line, Extra = ExtraBytes(r, 16) };
        });
        var cores = ReadSubsection(meta, off[CoreRelo], len[CoreRelo], CoreRelo, btf, layout, (r, _) =>
        {
            uint typeId = BinaryPrimitives.ReadUInt32LittleEndian(r[4..]);
            CheckType(btf, typeId, "core_relo");
            int access = (int)BinaryPrimitives.ReadUInt32LittleEndian(r[8..]);
            return new BtfCoreRelocation(BinaryPrimitives.ReadUInt32LittleEndian(r), (int)typeId,
                ExtString(btf, access, "core_relo access string"), (BtfCoreRelocationKind)BinaryPrimitives.ReadUInt32LittleEndian(r[12..]))
            { AccessStringOffset = access, Extra = ExtraBytes(r, 16) };
        });
        return new BtfExt(funcs, lines, cores, layout);
    }

    private delegate T RecordDecoder<T>(ReadOnlySpan<byte> record, int index);

    private static List<BtfExtSection<T>> ReadSubsection<T>(ReadOnlySpan<byte> meta, uint off, uint len, int which, Btf btf, BtfExtLayout layout, RecordDecoder<T> decode)
    {
        var result = new List<BtfExtSection<T>>();
        if (len == 0) return result;
        string what = SubsectionName[which];
        var s = meta.Slice((int)off, (int)len);
        if (s.Length < 4) throw new BtfException($"BTF.ext {what} is {s.Length} bytes, too short for its record size.");
        uint recSize = BinaryPrimitives.ReadUInt32LittleEndian(s);
        if (recSize < MinRecordSize[which] || recSize % 4 != 0 || recSize > s.Length)
            throw new BtfException($"BTF.ext {what} record size {recSize} is invalid: it must be a multiple of 4, at least {MinRecordSize[which]}.");
        layout.RecordSize[which] = (int)recSize;
        int pos = 4;
        if (pos == s.Length) layout.HeaderOnly[which] = true;
        while (pos < s.Length)
        {
            if (s.Length - pos < 8)
                throw new BtfException($"BTF.ext {what} block at offset {off + pos} is truncated: {s.Length - pos} bytes left, 8 needed.");
            int nameOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(s[pos..]);
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(s[(pos + 4)..]);
            string secName = ExtString(btf, nameOff, $"{what} section name");
            pos += 8;
            if ((long)n * recSize > s.Length - pos)
                throw new BtfException($"BTF.ext {what} block for section '{secName}' declares {n} records of {recSize} bytes, but only {s.Length - pos} bytes are left.");
            var records = new T[n];
            for (int i = 0; i < n; i++, pos += (int)recSize)
                records[i] = decode(s.Slice(pos, (int)recSize), i);
            result.Add(new BtfExtSection<T>(secName, records) { SectionNameOffset = nameOff });
        }
        return result;
    }

    private static byte[]? ExtraBytes(ReadOnlySpan<byte> record, int known) => record.Length > known ? record[known..].ToArray() : null;

    private static void CheckType(Btf btf, uint typeId, string what)
    {
        if (typeId >= (uint)btf.Count)
            throw new BtfException($"BTF.ext {what} record references type id {typeId}, but the largest type id is {btf.Count - 1}.");
    }

    private static string ExtString(Btf btf, int offset, string what)
    {
        if ((uint)offset >= (uint)btf.StringTableLength)
            throw new BtfException($"BTF.ext {what} offset {(uint)offset} is outside the {btf.StringTableLength}-byte .BTF string table.");
        return btf.GetString(offset);
    }

    /// <summary>Encodes the records (through the writer, not from the input bytes).</summary>
    public byte[] ToBytes() => BtfExtWriter.Write(this, _layout);
}
