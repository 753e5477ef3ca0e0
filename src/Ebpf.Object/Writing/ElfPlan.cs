using Ebpf.Object.Elf;

namespace Ebpf.Object.Writing;

/// <summary>A section to write. Relocations (offset, type, symbol index) go into a <c>.rel</c> section right after it, as clang places them.</summary>
internal sealed class SectionPlan(string name, uint type, ulong flags, uint alignment)
{
    public string Name { get; } = name;
    public uint Type { get; } = type;
    public ulong Flags { get; } = flags;
    public uint Alignment { get; } = alignment;
    public byte[] Data { get; set; } = [];

    /// <summary>Size of a NOBITS section, which has no bytes in the file.</summary>
    public ulong NoBitsSize { get; set; }

    public List<(ulong Offset, BpfRelocationType Type, int Symbol)> Relocations { get; } = [];
}

/// <summary>A symbol to write. Section is an index into the plan's sections, -1 for SHN_ABS (the FILE symbol), or <see cref="Undefined"/> (an extern).</summary>
internal sealed record SymbolPlan(string Name, SymbolBinding Binding, SymbolType Type, int Section, ulong Value, ulong Size)
{
    /// <summary>SHN_UNDEF: a symbol the object uses and does not define (a kfunc).</summary>
    public const int Undefined = -2;
}

/// <summary>Sections in file order and symbols with locals first, ready for <see cref="ElfEmitter"/>.</summary>
internal sealed class ElfPlan
{
    private readonly List<SymbolPlan> _locals = [];
    private readonly List<SymbolPlan> _globals = [];
    private readonly Dictionary<string, int> _sectionSymbols = new(StringComparer.Ordinal);

    public List<SectionPlan> Sections { get; } = [];

    public int AddSection(SectionPlan section)
    {
        Sections.Add(section);
        return Sections.Count - 1;
    }

    public int SectionIndex(string name) => Sections.FindIndex(s => s.Name == name);

    public void AddSymbol(SymbolPlan symbol)
    {
        if (_globals.Count > 0 && symbol.Binding == SymbolBinding.Local)
            throw new InvalidOperationException("local symbols are added before globals");
        (symbol.Binding == SymbolBinding.Local ? _locals : _globals).Add(symbol);
        if (symbol.Type == SymbolType.Section) _sectionSymbols[Sections[symbol.Section].Name] = _locals.Count;
    }

    /// <summary>Symbols without the null entry; index i here is symbol i + 1 in the file.</summary>
    public IEnumerable<SymbolPlan> Symbols => _locals.Concat(_globals);

    public int LocalCount => _locals.Count + 1;

    public int SymbolIndex(string name)
    {
        for (var i = 0; i < _globals.Count; i++)
            if (_globals[i].Name == name && _globals[i].Type != SymbolType.Section) return 1 + _locals.Count + i;
        for (var i = 0; i < _locals.Count; i++)
            if (_locals[i].Name == name && _locals[i].Type != SymbolType.Section) return 1 + i;
        throw new InvalidOperationException($"no symbol '{name}'");
    }

    public int SectionSymbolIndex(string section) => _sectionSymbols[section];
}
