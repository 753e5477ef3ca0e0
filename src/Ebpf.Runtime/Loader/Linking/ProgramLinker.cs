using Ebpf.Asm;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;

namespace Ebpf.Linking;

/// <summary>
/// Links an entry program with its subprograms the way libbpf does: the main program first, then each
/// function it reaches, once, in the order first reached; BPF-to-BPF calls and function addresses are
/// re-targeted to the new layout. Pure: no kernel involved.
/// </summary>
public static class ProgramLinker
{
    /// <summary>Links <paramref name="main"/> with every subprogram it reaches.</summary>
    /// <param name="main">An entry program of an object (not a subprogram).</param>
    public static LinkedProgram Link(ProgramSpec main)
    {
        var functions = main.ReachableFunctions();
        var layout = new List<LinkedFunction>(functions.Count);
        var start = new Dictionary<ProgramSpec, int>(functions.Count);
        var slots = 0;
        foreach (var f in functions)
        {
            layout.Add(new LinkedFunction(f, slots));
            start[f] = slots;
            slots += f.SlotCount;
        }

        var instructions = new List<Instruction>(slots);
        var relocations = new List<ProgramRelocation>();
        var funcInfos = new List<ProgramFuncInfo>();
        var lineInfos = new List<ProgramLineInfo>();
        var coreRelocations = new List<ProgramCoreRelocation>();
        foreach (var (f, begin) in layout)
        {
            var code = (Instruction[])f.Instructions.Clone();
            foreach (var r in f.Relocations)
            {
                var at = begin + r.InstructionOffset;
                if (r.Kind is RelocationKind.Call or RelocationKind.FunctionAddress && r.Target is { } target)
                {
                    var index = f.Slots.IndexOfSlot(r.InstructionOffset);
                    var delta = start[target] - (at + 1);
                    code[index] = r.Kind == RelocationKind.Call
                        ? code[index].WithImm(delta)
                        : code[index].WithPseudoSource(LdImm64Source.Func).WithConstant((uint)delta);
                    continue;
                }
                relocations.Add(r with { InstructionOffset = at });
            }
            instructions.AddRange(code);
            funcInfos.AddRange(f.FuncInfos.Select(i => i with { InstructionOffset = begin + i.InstructionOffset }));
            lineInfos.AddRange(f.LineInfos.Select(i => i with { InstructionOffset = begin + i.InstructionOffset }));
            coreRelocations.AddRange(f.CoreRelocations.Select(i => i with { InstructionOffset = begin + i.InstructionOffset }));
        }
        return new LinkedProgram(main, instructions.ToArray(), layout, relocations, funcInfos, lineInfos, coreRelocations);
    }
}
