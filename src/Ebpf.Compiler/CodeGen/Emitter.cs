using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Writes allocated blocks as final instructions: drops unreachable blocks and jumps to the next block, inverts a
/// branch whose target is the next block, expands set-conditions, and resolves jump offsets in 8-byte slots.
/// </summary>
internal static class Emitter
{
    public static CompiledFunction Emit(IrFunction function, int stackBytes)
    {
        var layout = Reachable(function);
        Thread(layout);
        layout = Reachable(function).Where(b => layout.Contains(b)).ToList();

        var code = new List<Instruction>();
        var locations = new List<SourceLocation?>();
        var relocations = new List<(int Index, string Map)>();
        var constants = new List<(int Index, byte[] Data)>();
        var globals = new List<(int Index, string Field)>();
        var cores = new List<(int Index, CoreRelocation Relocation)>();
        var kfuncs = new List<(int Index, System.Reflection.MethodInfo Kfunc)>();
        var jumps = new List<(int Index, Block Target)>();
        var start = new Dictionary<Block, int>();
        for (var i = 0; i < layout.Count; i++)
        {
            var block = layout[i];
            var following = i + 1 < layout.Count ? layout[i + 1] : null;
            start[block] = code.Count;
            for (var k = 0; k < block.Code.Count; k++)
            {
                var ins = block.Code[k];
                var last = k == block.Code.Count - 1;
                if (ins.IsUnconditionalJump && ins.Target == following && last)
                    continue;
                if (ins.IsSetCondition)
                {
                    Add(Instruction.Mov32((Register)ins.Dst, 1), ins.Location);
                    var compare = ins.Aux == Vreg.None ? ins.Template.WithDst((Register)ins.Src) : ins.Template.WithDst((Register)ins.Src).WithSrc((Register)ins.Aux);
                    Add(compare.WithOffset(1), ins.Location);
                    Add(Instruction.Mov32((Register)ins.Dst, 0), ins.Location);
                    continue;
                }
                var template = ins.Template;
                if (ins.Dst != Vreg.None) template = template.WithDst((Register)ins.Dst);
                if (ins.Src != Vreg.None) template = template.WithSrc((Register)ins.Src);
                if (ins.Target is { } target)
                {
                    // A branch to the next block with a fall-through elsewhere: branch the other way instead.
                    if (last && target == following && block.Next is { } next && next != following && !ins.IsUnconditionalJump)
                    {
                        template = JumpOps.Inverted(template);
                        target = next;
                        jumps.Add((code.Count, target));
                        Add(template, ins.Location);
                        goto endOfBlock;
                    }
                    jumps.Add((code.Count, target));
                }
                if (ins.MapRelocation is { } map) relocations.Add((code.Count, map));
                if (ins.ConstantData is { } data) constants.Add((code.Count, data));
                if (ins.GlobalVariable is { } global) globals.Add((code.Count, global));
                if (ins.Core is { } core) cores.Add((code.Count, core));
                if (ins.Kfunc is { } kfunc) kfuncs.Add((code.Count, kfunc));
                Add(template, ins.Location);
            }
            if (!block.EndsControl && block.Next is { } fall && fall != following)
            {
                jumps.Add((code.Count, fall));
                Add(Instruction.Goto(0), block.Code.LastOrDefault()?.Location);
            }
            endOfBlock:;
        }

        var instructions = code.ToArray();
        var slots = SlotMap.For(instructions);
        foreach (var (index, target) in jumps)
        {
            var delta = slots.SlotOf(start[target]) - slots.SlotOf(index) - 1;
            if (delta is < short.MinValue or > short.MaxValue)
                throw new CompilerException(locations[index], "EBPF014", "the function is too large for 16-bit jump offsets; split it into smaller methods");
            instructions[index] = instructions[index].WithOffset((short)delta);
        }
        var lines = new List<(int, SourceLocation)>();
        SourceLocation? previous = null;
        for (var i = 0; i < locations.Count; i++)
            if (locations[i] is { } l && l != previous)
            {
                lines.Add((i, l));
                previous = l;
            }
        if (lines.Count > 0 && lines[0].Item1 != 0)
            lines.Insert(0, (0, lines[0].Item2));
        return new CompiledFunction(function.Name, instructions, stackBytes, lines) { MapRelocations = relocations, DataRelocations = constants, GlobalRelocations = globals, CoreRelocations = cores, KfuncRelocations = kfuncs };

        void Add(Instruction instruction, SourceLocation? location)
        {
            code.Add(instruction);
            locations.Add(location);
        }
    }

    /// <summary>Blocks reachable from the entry, in layout order.</summary>
    private static List<Block> Reachable(IrFunction function)
    {
        var seen = new HashSet<Block>();
        var work = new Stack<Block>();
        work.Push(function.Blocks[0]);
        while (work.Count > 0)
        {
            var b = work.Pop();
            if (!seen.Add(b)) continue;
            foreach (var s in b.Successors()) work.Push(s);
        }
        return function.Blocks.Where(seen.Contains).ToList();
    }

    /// <summary>Jumps to an empty block go straight to where it leads.</summary>
    private static void Thread(List<Block> blocks)
    {
        Block Final(Block b)
        {
            for (var hops = 0; hops < 64; hops++)
            {
                if (b.Code.Count == 0 && b.Next is { } n) b = n;
                else if (b.Code.Count == 1 && b.Code[0].IsUnconditionalJump) b = b.Code[0].Target!;
                else break;
            }
            return b;
        }
        foreach (var block in blocks)
        {
            foreach (var ins in block.Code)
                if (ins.Target is not null) ins.Target = Final(ins.Target);
            if (block.Next is not null) block.Next = Final(block.Next);
        }
    }
}
