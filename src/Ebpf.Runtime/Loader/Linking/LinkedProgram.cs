using Ebpf.Asm;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;

namespace Ebpf.Linking;

/// <summary>Where one function of the object landed in a linked program.</summary>
public readonly record struct LinkedFunction(ProgramSpec Function, int StartSlot);

/// <summary>
/// An entry program with every subprogram it reaches appended, calls re-targeted to the new layout,
/// and relocations, func_info, line_info and CO-RE records moved to their slots in it: what the kernel loads.
/// </summary>
public sealed class LinkedProgram
{
    internal LinkedProgram(ProgramSpec main, Instruction[] instructions, IReadOnlyList<LinkedFunction> layout,
        IReadOnlyList<ProgramRelocation> relocations, IReadOnlyList<ProgramFuncInfo> funcInfos,
        IReadOnlyList<ProgramLineInfo> lineInfos, IReadOnlyList<ProgramCoreRelocation> coreRelocations)
    {
        Main = main; Instructions = instructions; Layout = layout; Relocations = relocations;
        FuncInfos = funcInfos; LineInfos = lineInfos; CoreRelocations = coreRelocations;
    }

    /// <summary>The entry program the others were linked into.</summary>
    public ProgramSpec Main { get; }

    /// <summary>The instructions, main program first; calls already point at their targets.</summary>
    public Instruction[] Instructions { get; }

    /// <summary>Where each function landed, main program first, in slot order.</summary>
    public IReadOnlyList<LinkedFunction> Layout { get; }

    /// <summary>Map, global-data and extern relocations still to apply, at slots of the linked program.</summary>
    public IReadOnlyList<ProgramRelocation> Relocations { get; }

    /// <summary>BTF func_info records (one per function), at slots of the linked program.</summary>
    public IReadOnlyList<ProgramFuncInfo> FuncInfos { get; }
    /// <summary>BTF line_info records, at slots of the linked program.</summary>
    public IReadOnlyList<ProgramLineInfo> LineInfos { get; }
    /// <summary>CO-RE relocations still to resolve against the kernel's BTF, at slots of the linked program.</summary>
    public IReadOnlyList<ProgramCoreRelocation> CoreRelocations { get; }

    /// <summary>Length of the linked program in 8-byte instruction slots (a 64-bit immediate load takes two).</summary>
    public int SlotCount => Layout.Count == 0 ? 0 : Layout[^1].StartSlot + Layout[^1].Function.SlotCount;

    /// <summary>The function whose code holds <paramref name="slot"/>, and the slot within it.</summary>
    public (ProgramSpec Function, int Slot) Locate(int slot)
    {
        for (var i = Layout.Count - 1; i >= 0; i--)
            if (slot >= Layout[i].StartSlot)
                return (Layout[i].Function, slot - Layout[i].StartSlot);
        return (Main, slot);
    }
}
