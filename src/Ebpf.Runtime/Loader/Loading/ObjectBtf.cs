using System.Buffers.Binary;
using System.Text;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Elf;

namespace Ebpf.Loading;

/// <summary>
/// Prepares an object's BTF for the kernel: clang leaves DATASEC sizes and variable offsets at zero
/// (libbpf fills them in from the ELF), and line_info strings must be in the string table that is loaded.
/// Like libbpf, it patches a copy of the object's own .BTF bytes in place (type ids and string offsets stay
/// as they are, so .BTF.ext's line_info offsets remain valid); only BTF whose type section it cannot walk
/// is re-encoded from the parsed types. Built once per object (see <see cref="ObjectPlan"/>); read-only after.
/// </summary>
internal sealed class ObjectBtf
{
    private const int TypeHeaderSize = 12;
    private const string DummyKsym = "dummy_ksym";
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);

    public ObjectBtf(BpfObjectFile obj)
    {
        var btf = obj.Btf ?? throw new InvalidOperationException("object without BTF");
        Bytes = (obj.Elf.FindSection(".BTF") is { } section ? Patch(obj, btf, section.Data.Span) : null) ?? Rebuild(obj, btf);
    }

    public byte[] Bytes { get; }

    /// <summary>Offset of a line_info string (file name or line text) in <see cref="Bytes"/>' string table.</summary>
    public int StringOffset(string s) => _strings.TryGetValue(s, out var offset) ? offset
        : throw new InvalidOperationException($"line_info string \"{s}\" is not in the object's BTF string table");

    /// <summary>The .BTF bytes with DATASECs fixed up and missing line_info strings appended; null when a type cannot be walked.</summary>
    private byte[]? Patch(BpfObjectFile obj, Btf btf, ReadOnlySpan<byte> raw)
    {
        var hdrLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[4..]);
        var typeStart = hdrLen + (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]);
        var typeEnd = typeStart + (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[12..]);
        var strStart = hdrLen + (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[16..]);
        var strLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[20..]);

        // Where each DATASEC sits; Btf.Parse has validated the layout, so the walk only needs the sizes.
        List<(int Id, int Position)>? datasecs = null;
        var vars = new Dictionary<int, int>();
        var positions = new Dictionary<int, int>(); // FUNC and FUNC_PROTO positions, for the .ksyms fix-up
        var int32 = 0;
        var globalFuncs = new Dictionary<string, int>(StringComparer.Ordinal);
        var p = typeStart;
        for (var id = 1; id < btf.Count; id++)
        {
            if (p + TypeHeaderSize > typeEnd)
                return null;
            var info = BinaryPrimitives.ReadUInt32LittleEndian(raw[(p + 4)..]);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            var vlen = (int)(info & 0xffff);
            if (kind == BtfKind.Datasec)
                (datasecs ??= []).Add((id, p));
            else if (kind == BtfKind.Var)
                vars[id] = p;
            else if (kind == BtfKind.Func && vlen == 1)
                globalFuncs.TryAdd(btf[id].Name, p);
            if (kind is BtfKind.Func or BtfKind.FuncProto)
                positions[id] = p;
            else if (kind == BtfKind.Int && int32 == 0 && (BinaryPrimitives.ReadUInt32LittleEndian(raw[(p + TypeHeaderSize)..]) & 0xff) == 32)
                int32 = id;
            var trailing = Trailing(kind, vlen);
            if (trailing < 0)
                return null;
            p += TypeHeaderSize + trailing;
        }

        // Line strings are already in the table (clang puts them there); .BTF.ext's records carry their offsets.
        var extra = new List<string>();
        var appended = 0;
        if (obj.BtfExt is { } ext)
            foreach (var block in ext.LineInfoSections)
                foreach (var r in block.Records)
                {
                    _strings.TryAdd(r.FileName, r.FileNameOffset);
                    _strings.TryAdd(r.LineText, r.LineTextOffset);
                }
        foreach (var f in obj.Programs)
            AddMissing(f.LineInfos);
        foreach (var f in obj.Subprograms)
            AddMissing(f.LineInfos);

        // .ksyms functions (kfuncs) become a dummy int VAR in the DATASEC, as libbpf does: a DATASEC holds VARs only.
        var ksyms = btf.FindByName(Object.Externs.ExternSpec.KsymsSection, BtfKind.Datasec) as BtfDatasec;
        var dummy = ksyms is not null && ksyms.Variables.Any(v => btf.KindOf(v.Type) == BtfKind.Func) && strStart >= typeEnd;
        var dummyName = 0;
        if (dummy)
        {
            dummyName = strLen + appended;
            extra.Add(DummyKsym);
            appended += DummyKsym.Length + 1;
        }
        var inserted = dummy ? TypeHeaderSize + 4 : 0;

        var strEnd = strStart + strLen;
        var bytes = new byte[raw.Length + appended + inserted];
        raw[..typeEnd].CopyTo(bytes);
        raw[typeEnd..strEnd].CopyTo(bytes.AsSpan(typeEnd + inserted));
        raw[strEnd..].CopyTo(bytes.AsSpan(strEnd + inserted + appended));
        if (dummy)
        {
            var var = bytes.AsSpan(typeEnd, TypeHeaderSize + 4);
            BinaryPrimitives.WriteUInt32LittleEndian(var, (uint)dummyName);
            BinaryPrimitives.WriteUInt32LittleEndian(var[4..], (uint)BtfKind.Var << 24);
            BinaryPrimitives.WriteUInt32LittleEndian(var[8..], (uint)int32);
            BinaryPrimitives.WriteUInt32LittleEndian(var[12..], 1); // BTF_VAR_GLOBAL_ALLOCATED
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(typeEnd + inserted - typeStart));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)(strStart + inserted - hdrLen));
            strEnd += inserted;
        }
        if (appended > 0)
        {
            var at = strEnd;
            foreach (var s in extra)
                at += Encoding.UTF8.GetBytes(s, bytes.AsSpan(at)) + 1;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), (uint)(strLen + appended));
        }

        if (datasecs is not null)
        {
            Dictionary<(int Section, string Name), ulong>? symbols = null;
            foreach (var (id, position) in datasecs)
            {
                var datasec = (BtfDatasec)btf[id];
                if (obj.Elf.FindSection(datasec.Name) is not { } section)
                {
                    if (obj.Kconfig is { } kconfig && datasec.Name == kconfig.Name)
                        PatchKconfig(bytes.AsSpan(), position, datasec, kconfig, vars, btf);
                    else if (datasec == ksyms)
                        PatchKsyms(bytes.AsSpan(), position, datasec, vars, positions, btf, int32, dummy ? btf.Count : 0, dummyName);
                    continue; // externs (.kconfig, .ksyms) have no ELF section
                }
                symbols ??= SymbolValues(obj.Elf);
                var variables = new List<BtfDatasecVar>(datasec.Variables.Count);
                foreach (var v in datasec.Variables)
                    variables.Add(symbols.TryGetValue((section.Index, btf[v.Type].Name), out var value) ? v with { Offset = (uint)value } : v);
                variables.Sort((a, b) => a.Offset.CompareTo(b.Offset));
                var span = bytes.AsSpan(position);
                BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)section.Size);
                for (var i = 0; i < variables.Count; i++)
                {
                    var entry = span.Slice(TypeHeaderSize + i * 12, 12);
                    BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)variables[i].Type);
                    BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], variables[i].Offset);
                    BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], variables[i].Size);
                }
            }
        }
        MarkHiddenStatic(bytes, obj.Elf, globalFuncs);
        return bytes;

        void AddMissing(IReadOnlyList<Object.Programs.ProgramLineInfo> lines)
        {
            foreach (var line in lines)
            {
                Add(line.FileName);
                Add(line.LineText);
            }
        }

        void Add(string s)
        {
            if (_strings.ContainsKey(s))
                return;
            _strings[s] = strLen + appended;
            extra.Add(s);
            appended += Encoding.UTF8.GetByteCount(s) + 1;
        }
    }

    /// <summary>
    /// Global functions with hidden visibility (usdt.bpf.h's __weak __hidden bpf_usdt_arg) become static in the
    /// BTF, as libbpf does: the verifier checks a global function alone, for any argument (a NULL res), and would refuse it.
    /// </summary>
    private static void MarkHiddenStatic(byte[] bytes, ElfFile elf, Dictionary<string, int> globalFuncs)
    {
        foreach (var s in elf.Symbols)
            if (s.Type == SymbolType.Func && s.Visibility == 2 /* STV_HIDDEN */ && !s.IsUndefined && globalFuncs.TryGetValue(s.Name, out var position))
            {
                var info = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 4));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(position + 4), info & ~0xffffu); // linkage BTF_FUNC_STATIC
            }
    }

    /// <summary>
    /// The .kconfig DATASEC as the loader lays out its map (size and offsets), its extern VARs made allocated
    /// globals: the kernel refuses extern linkage and a zero-sized DATASEC, as libbpf's fix-up knows.
    /// </summary>
    private static void PatchKconfig(Span<byte> bytes, int position, BtfDatasec datasec, Object.Data.DataSection kconfig, Dictionary<int, int> vars, Btf btf)
    {
        var span = bytes[position..];
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)kconfig.Size);
        for (var i = 0; i < datasec.Variables.Count; i++)
        {
            var v = datasec.Variables[i];
            var entry = span.Slice(TypeHeaderSize + i * 12, 12);
            if (kconfig.FindVariable(btf[v.Type].Name) is { } laid)
                BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], (uint)laid.Offset);
            if (vars.TryGetValue(v.Type, out var varPosition))
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(varPosition + TypeHeaderSize)..], 1); // BTF_VAR_GLOBAL_ALLOCATED
        }
    }

    /// <summary>
    /// The .ksyms DATASEC as libbpf fixes it: every extern VAR an allocated 4-byte int, every kfunc FUNC global and
    /// replaced in the DATASEC by <paramref name="dummyVar"/> (its unnamed parameters named after that VAR), entries
    /// 4 bytes apart. The kernel would refuse extern VARs, FUNCs in a DATASEC and unnamed parameters; the loader never
    /// reads this section's values, so the layout only has to be valid.
    /// </summary>
    private static void PatchKsyms(Span<byte> bytes, int position, BtfDatasec datasec, Dictionary<int, int> vars, Dictionary<int, int> positions,
        Btf btf, int int32, int dummyVar, int dummyName)
    {
        var span = bytes[position..];
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)(4 * datasec.Variables.Count));
        for (var i = 0; i < datasec.Variables.Count; i++)
        {
            var v = datasec.Variables[i];
            var entry = span.Slice(TypeHeaderSize + i * 12, 12);
            if (vars.TryGetValue(v.Type, out var varPosition))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(varPosition + 8)..], (uint)int32);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(varPosition + TypeHeaderSize)..], 1); // BTF_VAR_GLOBAL_ALLOCATED
            }
            else if (btf[v.Type] is BtfFunc func && dummyVar != 0 && positions.TryGetValue(func.Id, out var funcPosition))
            {
                var info = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(funcPosition + 4)..]);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(funcPosition + 4)..], (info & ~0xffffu) | 1); // BTF_FUNC_GLOBAL
                if (btf[func.Type] is BtfFuncProto proto && positions.TryGetValue(proto.Id, out var protoPosition))
                    for (var j = 0; j < proto.Parameters.Count; j++)
                    {
                        var param = bytes[(protoPosition + TypeHeaderSize + 8 * j)..];
                        if (proto.Parameters[j].Type != 0 && BinaryPrimitives.ReadUInt32LittleEndian(param) == 0)
                            BinaryPrimitives.WriteUInt32LittleEndian(param, (uint)dummyName);
                    }
                BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)dummyVar);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], (uint)(4 * i));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], 4);
        }
    }

    /// <summary>The first symbol of each (section, name): what DATASEC variables take their offsets from.</summary>
    private static Dictionary<(int, string), ulong> SymbolValues(ElfFile elf)
    {
        var result = new Dictionary<(int, string), ulong>();
        foreach (var s in elf.Symbols)
            if (s.Name is not null)
                result.TryAdd((s.SectionIndex, s.Name), s.Value);
        return result;
    }

    /// <summary>Bytes after the 12-byte header of a type of <paramref name="kind"/>; -1 for a kind this walk does not know.</summary>
    private static int Trailing(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    /// <summary>Re-encodes the parsed types (for BTF the walk above does not understand).</summary>
    private byte[] Rebuild(BpfObjectFile obj, Btf btf)
    {
        var builder = new BtfBuilder();
        for (var id = 1; id < btf.Count; id++)
            builder.Add(btf[id] is BtfDatasec datasec ? Fix(obj, btf, datasec) : btf[id]);
        foreach (var f in obj.Programs.Concat(obj.Subprograms))
            foreach (var line in f.LineInfos)
            {
                _strings[line.FileName] = builder.AddString(line.FileName);
                _strings[line.LineText] = builder.AddString(line.LineText);
            }
        return builder.ToBytes();
    }

    private static BtfDatasec Fix(BpfObjectFile obj, Btf btf, BtfDatasec datasec)
    {
        if (obj.Elf.FindSection(datasec.Name) is not { } section)
            return datasec;
        var symbols = SymbolValues(obj.Elf);
        var variables = new List<BtfDatasecVar>(datasec.Variables.Count);
        foreach (var v in datasec.Variables)
            variables.Add(symbols.TryGetValue((section.Index, btf[v.Type].Name), out var value) ? v with { Offset = (uint)value } : v);
        variables.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return new BtfDatasec { Name = datasec.Name, Size = (uint)section.Size, Variables = variables };
    }
}
