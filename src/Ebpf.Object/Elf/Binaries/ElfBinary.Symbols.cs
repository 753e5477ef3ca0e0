using System.Buffers.Binary;
using Ebpf.Object.Sections;

namespace Ebpf.Object.Elf;

public sealed partial class ElfBinary
{
    private const byte SymbolTypeGnuIFunc = 10;

    private ElfSymbol[]? _symtab, _dynsym;

    /// <summary>.symtab (absent from stripped binaries).</summary>
    public IReadOnlyList<ElfSymbol> StaticSymbols => _symtab ??= ReadSymbols(ElfConstants.SectionSymTab);

    /// <summary>.dynsym: what a shared library exports, kept when the binary is stripped.</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols => _dynsym ??= ReadSymbols(SectionDynSym);

    /// <summary>
    /// The file offset of function <paramref name="name"/>, looked up in .symtab then .dynsym (functions and
    /// GNU ifuncs with a definition only). Several definitions at different addresses are an error unless exactly
    /// one is global; an absent name is an error listing the closest function names.
    /// </summary>
    public ulong FunctionOffset(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var table in new[] { StaticSymbols, DynamicSymbols })
        {
            var found = table.Where(s => IsFunction(s) && s.Name == name).ToList();
            if (found.Count == 0) continue;
            var distinct = found.DistinctBy(s => s.Value).ToList();
            if (distinct.Count > 1)
            {
                var globals = distinct.Where(s => s.Binding == SymbolBinding.Global).ToList();
                if (globals.Count != 1)
                    throw Error($"function '{name}' is defined {distinct.Count} times at different addresses ({string.Join(", ", distinct.Select(s => $"0x{s.Value:x}"))}); attach by file offset instead");
                distinct = globals;
            }
            var symbol = distinct[0];
            if (!TryFileOffset(symbol.Value, out var offset, executableOnly: true))
                throw Error($"function '{name}' at address 0x{symbol.Value:x} lies in no executable PT_LOAD segment");
            return offset;
        }
        var names = StaticSymbols.Concat(DynamicSymbols).Where(IsFunction).Select(s => s.Name).Distinct().ToList();
        if (names.Count == 0)
            throw Error($"function '{name}' not found: the binary has no function symbols (.symtab and .dynsym are stripped or empty); attach by file offset instead");
        var close = names.Select(n => (n, d: EditDistance.Compute(name, n)))
            .Where(x => x.d <= Math.Max(2, name.Length / 3) || x.n.Contains(name, StringComparison.Ordinal))
            .OrderBy(x => x.d).ThenBy(x => x.n, StringComparer.Ordinal).Take(5).Select(x => x.n).ToList();
        throw Error($"function '{name}' not found in .symtab or .dynsym" +
            (close.Count > 0 ? $"; did you mean {string.Join(", ", close.Select(n => $"'{n}'"))}?" : $" ({names.Count} functions there, none close)"));
    }

    private static bool IsFunction(ElfSymbol s) =>
        ((byte)s.Type is (byte)SymbolType.Func or SymbolTypeGnuIFunc) && !s.IsUndefined && s.Value != 0 && s.Name.Length > 0;

    private ElfSymbol[] ReadSymbols(uint sectionType)
    {
        var table = Sections.FirstOrDefault(s => s.Type == sectionType);
        if (table is null) return [];
        if (table.Link >= Sections.Count)
            throw Error($"the string table of {table.Name} (section {table.Link}) does not exist");
        var strings = Sections[(int)table.Link].Data.Span;
        var data = table.Data.Span;
        var result = new ElfSymbol[data.Length / ElfConstants.SymbolSize];
        for (var i = 0; i < result.Length; i++)
        {
            var e = data.Slice(i * ElfConstants.SymbolSize, ElfConstants.SymbolSize);
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(e);
            var info = e[4];
            var name = nameOffset == 0 ? "" : ReadString(strings, nameOffset, $"name of {table.Name} symbol {i}");
            result[i] = new ElfSymbol(i, name, BinaryPrimitives.ReadUInt64LittleEndian(e[8..]), BinaryPrimitives.ReadUInt64LittleEndian(e[16..]),
                (SymbolType)(info & 0xf), (SymbolBinding)(info >> 4), (byte)(e[5] & 3), BinaryPrimitives.ReadUInt16LittleEndian(e[6..]));
        }
        return result;
    }

    /// <summary>The notes of every SHT_NOTE section named <paramref name="sectionName"/>.</summary>
    public IEnumerable<ElfNote> Notes(string sectionName)
    {
        foreach (var section in Sections.Where(s => s.Type == SectionNote && s.Name == sectionName))
        {
            var data = section.Data;
            var at = 0;
            while (data.Length - at >= 12)
            {
                var span = data.Span[at..];
                var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(span);
                var descSize = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
                var type = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                var nameStart = at + 12;
                var descStart = nameStart + Align4(nameSize);
                if (nameSize > (uint)data.Length || descSize > (uint)data.Length || descStart + (long)descSize > data.Length)
                    throw Error($"a note in {section.Name} at offset {at} runs past the end of the section");
                var owner = System.Text.Encoding.UTF8.GetString(data.Span.Slice(nameStart, (int)nameSize).TrimEnd((byte)0));
                yield return new ElfNote(owner, type, data.Slice(descStart, (int)descSize));
                at = descStart + Align4(descSize);
            }
        }
    }

    private static int Align4(uint size) => (int)((size + 3) & ~3u);
}
