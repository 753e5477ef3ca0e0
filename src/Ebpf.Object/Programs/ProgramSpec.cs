using Ebpf.Asm;
using Ebpf.Object.Elf;
using Ebpf.Object.Relocations;
using Ebpf.Object.Sections;

namespace Ebpf.Object.Programs;

/// <summary>
/// One function of the object: an entry program (in a program section) or a subprogram (in .text),
/// with its instructions, relocations and the section table's verdict on its section.
/// </summary>
public sealed class ProgramSpec
{
    private readonly List<ProgramRelocation> _relocations = [];
    private readonly List<ProgramSpec> _callees = [];

    internal ProgramSpec(string name, ElfSection section, long byteOffset, Instruction[] instructions, SlotMap slots, SymbolBinding binding, bool isSubprogram)
    {
        Name = name; Section = section; ByteOffset = byteOffset; Instructions = instructions; Slots = slots;
        Binding = binding; IsSubprogram = isSubprogram;
    }

    /// <summary>The function's symbol name: the name programs are known by.</summary>
    public string Name { get; }

    public string SectionName => Section.Name;

    internal ElfSection Section { get; }

    /// <summary>Offset of the first instruction within its section.</summary>
    public long ByteOffset { get; }

    public Instruction[] Instructions { get; }

    /// <summary>Size in 8-byte slots (LD_IMM64 takes two).</summary>
    public int SlotCount => Slots.SlotCount;

    /// <summary>Maps between instruction indices and slots.</summary>
    public SlotMap Slots { get; }

    public SymbolBinding Binding { get; }

    /// <summary>True for functions in .text, which are called, never loaded alone.</summary>
    public bool IsSubprogram { get; }

    /// <summary>The section table's entry for this program's section; null for subprograms and unknown sections.</summary>
    public SectionDefinition? Definition { get; internal set; }

    /// <summary>Why the section names no program type, for entry programs whose section is not in the table.</summary>
    public InvalidSectionNameException? SectionError { get; internal set; }

    /// <summary>The program type, or throws the section error with its fix.</summary>
    public BpfProgramType ProgramType => Definition?.ProgramType
        ?? throw (SectionError ?? new BpfException($"'{Name}' is a subprogram in {SectionName}: it is called by programs and has no program type of its own"));

    public IReadOnlyList<ProgramRelocation> Relocations => _relocations;

    /// <summary>Functions this one calls directly (BPF-to-BPF) or takes the address of.</summary>
    public IReadOnlyList<ProgramSpec> Callees => _callees;

    /// <summary>func_info and line_info of this function, offsets in slots from its start.</summary>
    public IReadOnlyList<ProgramFuncInfo> FuncInfos { get; internal set; } = [];
    public IReadOnlyList<ProgramLineInfo> LineInfos { get; internal set; } = [];

    /// <summary>CO-RE relocation records of this function, offsets in slots from its start.</summary>
    public IReadOnlyList<ProgramCoreRelocation> CoreRelocations { get; internal set; } = [];

    internal void AddRelocation(ProgramRelocation relocation) => _relocations.Add(relocation);

    internal void SortRelocations() => _relocations.Sort((a, b) => a.InstructionOffset.CompareTo(b.InstructionOffset));

    internal void AddCallee(ProgramSpec callee)
    {
        if (!_callees.Contains(callee)) _callees.Add(callee);
    }

    /// <summary>This function and every function it reaches through calls, itself first.</summary>
    public IReadOnlyList<ProgramSpec> ReachableFunctions()
    {
        var result = new List<ProgramSpec> { this };
        for (var i = 0; i < result.Count; i++)
            foreach (var c in result[i]._callees)
                if (!result.Contains(c)) result.Add(c);
        return result;
    }

    public override string ToString() => $"{Name} ({SectionName}, {SlotCount} instructions)";
}
