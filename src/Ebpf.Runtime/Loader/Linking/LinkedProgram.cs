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

    public ProgramSpec Main { get; }

    /// <summary>The instructions, main program first; calls already point at their targets.</summary>
    public Instruction[] Instructions { get; }

    public IReadOnlyList<LinkedFunction> Layout { get; }

    /// <summary>Map, global-data and extern relocations still to apply, at slots of the linked program.</summary>
    public IReadOnlyList<ProgramRelocation> Relocations { get; }

    public IReadOnlyList<ProgramFuncInfo> FuncInfos { get; }
    public IReadOnlyList<ProgramLineInfo> LineInfos { get; }
    public IReadOnlyList<ProgramCoreRelocation> CoreRelocations { get; }

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
