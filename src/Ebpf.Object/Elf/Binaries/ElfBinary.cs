using System.Buffers.Binary;

namespace Ebpf.Object.Elf;

/// <summary>
/// A bounds-checked reader of 64-bit little-endian executables and shared libraries (ET_EXEC, ET_DYN): program
/// headers, sections, .symtab and .dynsym, notes. Uprobes need it to turn a function or a USDT site into a
/// file offset. Malformed bytes become an <see cref="InvalidObjectException"/> naming the file and the part.
/// </summary>
public sealed partial class ElfBinary
{
    public const ushort TypeExecutable = 2, TypeShared = 3;
    public const uint SectionDynSym = 11, SectionNote = 7;

    private readonly ReadOnlyMemory<byte> _bytes;

    private ElfBinary(ReadOnlyMemory<byte> bytes, string source)
    {
        _bytes = bytes;
        Source = source;
        var span = bytes.Span;
        if (span.Length < ElfConstants.HeaderSize || span[0] != 0x7f || span[1] != 'E' || span[2] != 'L' || span[3] != 'F')
            throw Error("not an ELF file (bad magic or shorter than an ELF header)");
        if (span[4] != ElfConstants.ClassElf64)
            throw Error($"ELF class {span[4]} is not ELFCLASS64: only 64-bit binaries are read");
        if (span[5] != ElfConstants.DataLittleEndian)
            throw Error("the binary is not little-endian");
        Type = BinaryPrimitives.ReadUInt16LittleEndian(span[16..]);
        Machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        if (Type is not (TypeExecutable or TypeShared))
            throw Error($"ELF type {Type} is neither an executable (ET_EXEC) nor a shared object or PIE (ET_DYN)");
        Segments = ReadSegments(span);
        Sections = ReadSections(span);
    }

    /// <summary>Where the bytes came from, used in messages.</summary>
    public string Source { get; }

    /// <summary>ET_EXEC (2) or ET_DYN (3: a shared library or a position-independent executable).</summary>
    public ushort Type { get; }

    /// <summary>e_machine: 62 for x86-64.</summary>
    public ushort Machine { get; }

    public IReadOnlyList<ElfSegment> Segments { get; }

    public IReadOnlyList<ElfSection> Sections { get; }

    public static ElfBinary Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidObjectException($"{path}: cannot read the binary: {e.Message}", e);
        }
        return new ElfBinary(bytes, path);
    }

    public static ElfBinary Parse(ReadOnlyMemory<byte> bytes, string source = "<memory>") => new(bytes, source);

    public ElfSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// The file offset where the byte at virtual address <paramref name="address"/> lives: the uprobe PMU and
    /// uprobe_multi links take file offsets, which differ from addresses by each PT_LOAD segment's bias.
    /// </summary>
    public bool TryFileOffset(ulong address, out ulong offset, bool executableOnly = false)
    {
        foreach (var s in Segments)
            if (s.IsLoad && (!executableOnly || s.IsExecutable) && s.ContainsAddress(address))
            {
                offset = address - s.VirtualAddress + s.FileOffset;
                return true;
            }
        offset = 0;
        return false;
    }

    private InvalidObjectException Error(string message) => new($"{Source}: {message}");

    private ElfSegment[] ReadSegments(ReadOnlySpan<byte> span)
    {
        var phoff = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[54..]);
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(span[56..]);
        if (phnum == 0) return [];
        if (phentsize != 56)
            throw Error($"program header size is {phentsize}, expected 56");
        if (phoff > (ulong)span.Length || ((ulong)span.Length - phoff) / 56 < phnum)
            throw Error($"{phnum} program headers at offset {phoff} do not fit in the file ({span.Length} bytes)");
        var result = new ElfSegment[phnum];
        for (var i = 0; i < phnum; i++)
        {
            var h = span.Slice((int)phoff + i * 56, 56);
            result[i] = new ElfSegment(BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt64LittleEndian(h[40..]));
        }
        return result;
    }

    private ElfSection[] ReadSections(ReadOnlySpan<byte> span)
    {
        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        ulong shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);
        uint shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        if (shoff == 0) return []; // stripped of section headers: symbols and notes are then unavailable
        if (shentsize != ElfConstants.SectionHeaderSize)
            throw Error($"section header size is {shentsize}, expected 64");
        if (shoff > (ulong)span.Length || (ulong)span.Length - shoff < ElfConstants.SectionHeaderSize)
            throw Error($"section headers at offset {shoff} lie past the end of the file ({span.Length} bytes)");
        var first = span.Slice((int)shoff, ElfConstants.SectionHeaderSize);
        if (shnum == 0) shnum = BinaryPrimitives.ReadUInt64LittleEndian(first[32..]);
        if (shstrndx == 0xffff) shstrndx = BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        if (shnum > ((ulong)span.Length - shoff) / ElfConstants.SectionHeaderSize)
            throw Error($"{shnum} section headers at offset {shoff} do not fit in the file ({span.Length} bytes)");
        if (shstrndx >= shnum)
            throw Error($"section name table index {shstrndx} is out of range ({shnum} sections)");
        var count = (int)shnum;
        var headers = new (uint Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, uint Info, ulong Align, ulong EntSize)[count];
        for (var i = 0; i < count; i++)
        {
            var h = span.Slice((int)shoff + i * ElfConstants.SectionHeaderSize, ElfConstants.SectionHeaderSize);
            headers[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]), BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]), BinaryPrimitives.ReadUInt32LittleEndian(h[44..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[48..]), BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
        }
        var names = Bytes(headers[shstrndx].Type, headers[shstrndx].Offset, headers[shstrndx].Size, "section name table");
        var sections = new ElfSection[count];
        _addresses = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            var r = headers[i];
            var name = i == 0 ? "" : ReadString(names.Span, r.Name, $"name of section {i}");
            sections[i] = new ElfSection(i, name, r.Type, r.Flags, r.Offset, r.Size, r.Link, r.Info, r.Align, r.EntSize,
                Bytes(r.Type, r.Offset, r.Size, $"section {name} ({i})"));
            _addresses[i] = r.Address;
        }
        return sections;
    }

    private ulong[] _addresses = [];

    /// <summary>sh_addr of a section (ElfSection, shared with BPF objects, does not carry it).</summary>
    public ulong SectionAddress(ElfSection section) => _addresses[section.Index];

    private ReadOnlyMemory<byte> Bytes(uint type, ulong offset, ulong size, string what) => ElfBytes.Section(_bytes, Source, type, offset, size, what);

    private string ReadString(ReadOnlySpan<byte> table, uint offset, string what) => ElfBytes.String(table, Source, offset, what);
}
