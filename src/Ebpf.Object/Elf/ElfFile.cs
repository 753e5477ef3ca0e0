using System.Buffers.Binary;

namespace Ebpf.Object.Elf;

/// <summary>
/// A bounds-checked reader of 64-bit little-endian ELF relocatable objects for EM_BPF: sections,
/// symbols and relocations. Every malformed input becomes an <see cref="InvalidObjectException"/>
/// that names the section or offset, so no other exception escapes on bad bytes.
/// </summary>
public sealed class ElfFile
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly ElfSection[] _sections;
    private readonly Dictionary<string, ElfSection> _byName = new(StringComparer.Ordinal);
    private ElfSymbol[]? _symbols;
    private ElfSection? _symtab;

    private ElfFile(ReadOnlyMemory<byte> bytes, string source)
    {
        _bytes = bytes;
        Source = source;
        _sections = ReadSections();
        foreach (var s in _sections)
            _byName.TryAdd(s.Name, s);
    }

    /// <summary>Where the bytes came from (a path, or a description), used in messages.</summary>
    public string Source { get; }

    public IReadOnlyList<ElfSection> Sections => _sections;

    public ReadOnlyMemory<byte> Bytes => _bytes;

    public static ElfFile Parse(ReadOnlyMemory<byte> bytes, string source = "<memory>") => new(bytes, source);

    public ElfSection? FindSection(string name) => _byName.GetValueOrDefault(name);

    public ElfSection Section(int index)
    {
        if ((uint)index >= (uint)_sections.Length)
            throw Error($"section index {index} is out of range (the object has {_sections.Length} sections)");
        return _sections[index];
    }

    /// <summary>The symbol table (index 0 is the null symbol); empty when the object has none.</summary>
    public IReadOnlyList<ElfSymbol> Symbols => _symbols ??= ReadSymbols();

    public ElfSymbol Symbol(int index)
    {
        var symbols = Symbols;
        if ((uint)index >= (uint)symbols.Count)
            throw Error($"symbol index {index} is out of range (.symtab has {symbols.Count} symbols)");
        return symbols[index];
    }

    /// <summary>The relocation sections that apply to <paramref name="target"/>.</summary>
    public IEnumerable<ElfSection> RelocationSectionsFor(ElfSection target) =>
        _sections.Where(s => s.IsRelocation && s.Info == (uint)target.Index);

    /// <summary>Reads the entries of a REL or RELA section, checking each symbol index.</summary>
    public ElfRelocation[] ReadRelocations(ElfSection rel)
    {
        if (!rel.IsRelocation)
            throw Error($"section {rel.Name} is not a relocation section");
        var rela = rel.Type == ElfConstants.SectionRela;
        var entry = rela ? ElfConstants.RelaSize : ElfConstants.RelSize;
        var data = rel.Data.Span;
        if (data.Length % entry != 0)
            throw Error($"relocation section {rel.Name} has size {data.Length}, not a multiple of {entry}");
        var symbolCount = Symbols.Count;
        var result = new ElfRelocation[data.Length / entry];
        for (var i = 0; i < result.Length; i++)
        {
            var e = data.Slice(i * entry, entry);
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(e);
            var info = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            var symbol = info >> 32;
            if (symbol >= (ulong)symbolCount)
                throw Error($"relocation {i} of {rel.Name} refers to symbol {symbol}, but .symtab has {symbolCount} symbols");
            var addend = rela ? BinaryPrimitives.ReadInt64LittleEndian(e[16..]) : 0;
            result[i] = new ElfRelocation(offset, (BpfRelocationType)(uint)info, (int)symbol, addend);
        }
        return result;
    }

    private InvalidObjectException Error(string message) => new($"{Source}: {message}");

    private ElfSection[] ReadSections()
    {
        var span = _bytes.Span;
        if (span.Length < ElfConstants.HeaderSize)
            throw Error($"file is {span.Length} bytes, too short for an ELF header (64 bytes)");
        if (span[0] != 0x7f || span[1] != 'E' || span[2] != 'L' || span[3] != 'F')
            throw Error("not an ELF file (bad magic)");
        if (span[4] != ElfConstants.ClassElf64)
            throw Error($"ELF class {span[4]} is not ELFCLASS64: BPF objects are 64-bit (build with clang -target bpf)");
        if (span[5] == ElfConstants.DataBigEndian)
            throw Error("the object is big-endian (bpfeb); this reader handles little-endian objects (clang -target bpf or bpfel)");
        if (span[5] != ElfConstants.DataLittleEndian)
            throw Error($"unknown ELF data encoding {span[5]}");
        var type = BinaryPrimitives.ReadUInt16LittleEndian(span[16..]);
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        if (machine != ElfConstants.MachineBpf)
            throw Error($"ELF machine {machine} is not EM_BPF (247): this is not a BPF object (build it with clang -target bpf)");
        if (type != ElfConstants.TypeRelocatable)
            throw Error($"ELF type {type} is not ET_REL: a BPF object is a relocatable file (clang -c)");

        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        ulong shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);
        uint shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        if (shoff == 0)
            throw Error("the object has no section headers");
        if (shentsize != ElfConstants.SectionHeaderSize)
            throw Error($"section header size is {shentsize}, expected 64");
        if (shoff > (ulong)span.Length || (ulong)span.Length - shoff < ElfConstants.SectionHeaderSize)
            throw Error($"section headers at offset {shoff} lie past the end of the file ({span.Length} bytes)");
        // Extended numbering: counts that do not fit in 16 bits live in section 0.
        var first = span.Slice((int)shoff, ElfConstants.SectionHeaderSize);
        if (shnum == 0)
            shnum = BinaryPrimitives.ReadUInt64LittleEndian(first[32..]);
        if (shstrndx == 0xffff)
            shstrndx = BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        if (shnum > ((ulong)span.Length - shoff) / ElfConstants.SectionHeaderSize)
            throw Error($"{shnum} section headers at offset {shoff} do not fit in the file ({span.Length} bytes)");
        if (shstrndx >= shnum)
            throw Error($"section name table index {shstrndx} is out of range ({shnum} sections)");

        var count = (int)shnum;
        var raw = new (uint Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong Align, ulong EntSize)[count];
        for (var i = 0; i < count; i++)
        {
            var h = span.Slice((int)shoff + i * ElfConstants.SectionHeaderSize, ElfConstants.SectionHeaderSize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..]), BinaryPrimitives.ReadUInt64LittleEndian(h[48..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
        }

        var names = SectionBytes(raw[shstrndx].Type, raw[shstrndx].Offset, raw[shstrndx].Size, $"section name table (section {shstrndx})");
        var sections = new ElfSection[count];
        for (var i = 0; i < count; i++)
        {
            var r = raw[i];
            var name = i == 0 ? "" : ReadString(names.Span, r.Name, $"name of section {i}");
            var data = SectionBytes(r.Type, r.Offset, r.Size, $"section {name} ({i})");
            sections[i] = new ElfSection(i, name, r.Type, r.Flags, r.Offset, r.Size, r.Link, r.Info, r.Align, r.EntSize, data);
        }
        return sections;
    }

    private ReadOnlyMemory<byte> SectionBytes(uint type, ulong offset, ulong size, string what) => ElfBytes.Section(_bytes, Source, type, offset, size, what);

    internal string ReadString(ReadOnlySpan<byte> table, uint offset, string what) => ElfBytes.String(table, Source, offset, what);

    private ElfSymbol[] ReadSymbols()
    {
        _symtab = _sections.FirstOrDefault(s => s.Type == ElfConstants.SectionSymTab);
        if (_symtab is null)
            return [];
        var strtab = Section((int)_symtab.Link);
        if (strtab.Type != ElfConstants.SectionStrTab)
            throw Error($"the string table of .symtab (section {strtab.Index}) is not of type STRTAB");
        var data = _symtab.Data.Span;
        if (data.Length % ElfConstants.SymbolSize != 0)
            throw Error($".symtab has size {data.Length}, not a multiple of {ElfConstants.SymbolSize}");
        var strings = strtab.Data.Span;
        var result = new ElfSymbol[data.Length / ElfConstants.SymbolSize];
        for (var i = 0; i < result.Length; i++)
        {
            var e = data.Slice(i * ElfConstants.SymbolSize, ElfConstants.SymbolSize);
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(e);
            var info = e[4];
            var shndx = BinaryPrimitives.ReadUInt16LittleEndian(e[6..]);
            var type = (SymbolType)(info & 0xf);
            var name = nameOffset == 0 ? "" : ReadString(strings, nameOffset, $"name of symbol {i}");
            if (shndx != 0 && shndx < 0xff00 && shndx >= _sections.Length)
                throw Error($"symbol {i} ('{name}') is in section {shndx}, which does not exist ({_sections.Length} sections)");
            // Section symbols are nameless in the table; give them their section's name as tools do.
            if (type == SymbolType.Section && name.Length == 0 && shndx < _sections.Length)
                name = _sections[shndx].Name;
            result[i] = new ElfSymbol(i, name, BinaryPrimitives.ReadUInt64LittleEndian(e[8..]), BinaryPrimitives.ReadUInt64LittleEndian(e[16..]),
                type, (SymbolBinding)(info >> 4), (byte)(e[5] & 3), shndx);
        }
        return result;
    }
}
