namespace Ebpf.Object.Elf;

/// <summary>One entry of .symtab.</summary>
public readonly record struct ElfSymbol(int Index, string Name, ulong Value, ulong Size, SymbolType Type, SymbolBinding Binding, byte Visibility, ushort SectionIndex)
{
    public bool IsUndefined => SectionIndex == ElfConstants.SectionIndexUndefined;
    public bool IsSpecialSection => SectionIndex >= 0xff00;
}

/// <summary>One entry of a REL or RELA section, with its symbol resolved.</summary>
public readonly record struct ElfRelocation(ulong Offset, BpfRelocationType Type, int SymbolIndex, long Addend);
