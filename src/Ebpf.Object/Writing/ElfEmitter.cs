using LibObjectFile.Elf;
using ElfConstants = Ebpf.Object.Elf.ElfConstants;
using ElfSection = LibObjectFile.Elf.ElfSection;
using ElfRelocation = LibObjectFile.Elf.ElfRelocation;
using Lof = LibObjectFile.Elf;

namespace Ebpf.Object.Writing;

/// <summary>
/// Writes an <see cref="ElfPlan"/> as a relocatable EM_BPF ELF64 little-endian object with LibObjectFile, which
/// lays out offsets and alignment and derives the symbol table's sh_info. Like clang, one <c>.strtab</c> (section 1)
/// holds both section and symbol names, and the section header table comes last.
/// </summary>
internal static class ElfEmitter
{
    private static readonly ElfArchEx Bpf = new((ushort)ElfConstants.MachineBpf);

    public static byte[] Write(ElfPlan plan)
    {
        var elf = new Lof.ElfFile((ElfArch)ElfConstants.MachineBpf, ElfFileClass.Is64, ElfEncoding.Lsb) { FileType = ElfFileType.Relocatable };
        // The section-header string table is also the symbol string table, named .strtab, as clang writes it.
        var strtab = elf.Add(new ElfSectionHeaderStringTable { Name = ".strtab", VirtualAddressAlignment = 1 });
        var written = new List<ElfSection>();
        var symtab = new ElfSymbolTable(isDynamic: false) { Link = strtab, VirtualAddressAlignment = 8, FileAlignment = 8 };
        var relocationTables = new List<(ElfRelocationTable Table, ElfSection Target)>();

        foreach (var s in plan.Sections)
        {
            ElfSection section = s.Type == ElfConstants.SectionNoBits
                ? new ElfNoBitsSection { Size = s.NoBitsSize }
                : new ElfStreamSection((ElfSectionType)s.Type, new MemoryStream(s.Data));
            section.Name = s.Name;
            section.Flags = (ElfSectionFlags)s.Flags;
            section.VirtualAddressAlignment = s.Alignment;
            section.FileAlignment = s.Alignment;
            elf.Add(section);
            written.Add(section);
            if (s.Relocations.Count == 0)
                continue;
            var rel = new ElfRelocationTable(false)
            {
                Name = ".rel" + s.Name, Flags = ElfSectionFlags.InfoLink, VirtualAddressAlignment = 8, FileAlignment = 8,
            };
            foreach (var (offset, type, symbol) in s.Relocations)
                rel.Entries.Add(new ElfRelocation(offset, new ElfRelocationType(Bpf, (uint)type), (uint)symbol, 0));
            elf.Add(rel);
            relocationTables.Add((rel, section));
        }

        foreach (var sym in plan.Symbols)
            symtab.Entries.Add(new Lof.ElfSymbol
            {
                Name = sym.Name,
                Bind = (ElfSymbolBind)sym.Binding,
                Type = (ElfSymbolType)sym.Type,
                SectionLink = sym.Section == SymbolPlan.Undefined ? new ElfSectionLink(ElfConstants.SectionIndexUndefined) : sym.Section < 0 ? ElfSectionLink.SectionAbsolute : new ElfSectionLink(written[sym.Section]),
                Value = sym.Value,
                Size = sym.Size,
            });
        elf.Add(symtab);
        foreach (var (table, target) in relocationTables)
        {
            table.Link = symtab;
            table.Info = target;
        }
        elf.Add(new ElfSectionHeaderTable());

        var output = new MemoryStream();
        if (!elf.TryWrite(output, out var diagnostics))
            throw new ObjectBuildException($"the ELF writer refused the object: {string.Join("; ", diagnostics.Messages)}");
        return output.ToArray();
    }
}
