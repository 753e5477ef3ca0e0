using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Frame slots that hold a value only on its way to a register: a span's pointer and length are written to its
/// 16-byte struct and the pointer read back for a helper (C passes the address itself). A load of what this block
/// just stored takes the stored register instead, and stores to slots nothing can read any more go.
/// </summary>
internal static class FrameStores
{
    /// <summary>Lowest frame offset: with it, every slot counts as reachable through some pointer.</summary>
    private const int Anywhere = short.MinValue;

    public static bool Run(IrFunction function)
    {
        var changed = false;
        foreach (var block in function.Blocks) changed |= Forward(block);
        // Backwards through the layout: what a block's successors overwrite first is known before the block.
        var overwritten = new Dictionary<Block, HashSet<int>>();
        for (var i = function.Blocks.Count - 1; i >= 0; i--)
        {
            var block = function.Blocks[i];
            var after = block.Successors().Select(s => overwritten.GetValueOrDefault(s)).ToList();
            var covered = after.Count == 0 || after.Any(c => c is null) ? [] : after.Skip(1).Aggregate(new HashSet<int>(after[0]!), (all, c) => { all.IntersectWith(c!); return all; });
            changed |= RemoveOverwritten(block, covered, entry: i == 0);
            overwritten[block] = covered;
        }
        return changed | RemoveDeadStores(function);
    }

    /// <summary>
    /// A store to frame bytes that later stores of the same block all overwrite before anything can read them (a
    /// struct zeroed for `.locals init`, then each field set), or that every successor overwrites first
    /// (<paramref name="covered"/>, which becomes what this block overwrites first; a loop's back edge counts as none).
    /// </summary>
    private static bool RemoveOverwritten(Block block, HashSet<int> covered, bool entry)
    {
        var changed = false;
        // r1 as the program starts is the context, never the frame, and so are its copies: loads through them read no stack byte.
        var readsContext = new bool[block.Code.Count];
        if (entry)
        {
            var context = new HashSet<int> { 1 };
            var defs = new List<int>();
            for (var k = 0; k < block.Code.Count; k++)
            {
                var ins = block.Code[k];
                readsContext[k] = ins.Template.Class == InstructionClass.Ldx && context.Contains(ins.Src);
                ins.Defs(defs);
                if (ins.IsCopy && context.Contains(ins.Src)) context.Add(ins.Dst);
                else context.ExceptWith(defs);
            }
        }
        for (var i = block.Code.Count - 1; i >= 0; i--)
        {
            var ins = block.Code[i];
            var t = ins.Template;
            if ((IsFrameAccess(ins, InstructionClass.Stx) || IsFrameAccess(ins, InstructionClass.St)) && (t.OpCode & 0xe0) == (byte)MemoryMode.Mem)
            {
                var bytes = Enumerable.Range(t.Offset, SizeOf(t)).ToList();
                if (bytes.All(covered.Contains))
                {
                    block.Code.RemoveAt(i);
                    changed = true;
                }
                else covered.UnionWith(bytes);
            }
            else if (IsFrameAccess(ins, InstructionClass.Ldx))
                covered.ExceptWith(Enumerable.Range(t.Offset, SizeOf(t)));
            else if (readsContext[i])
                continue;
            else if (ins.IsCall || t.Class is InstructionClass.Ldx or InstructionClass.Ld or InstructionClass.St or InstructionClass.Stx)
                covered.Clear(); // a helper, a load through a pointer or an atomic may read the frame
        }
        return changed;
    }

    private sealed record Stored(short Offset, int Size, int Reg, int? Imm);

    /// <summary>A load from the frame where this block stored the same bytes from a register (or an immediate) it has not changed since.</summary>
    private static bool Forward(Block block)
    {
        var changed = false;
        var stored = new List<Stored>();
        var defs = new List<int>();
        for (var i = 0; i < block.Code.Count; i++)
        {
            var ins = block.Code[i];
            var t = ins.Template;
            var size = SizeOf(t);
            if (IsFrameAccess(ins, InstructionClass.Ldx) && (t.OpCode & 0xe0) == (byte)MemoryMode.Mem && size is 4 or 8 && ins.Core is null
                && stored.FirstOrDefault(s => s.Offset == t.Offset && s.Size == size) is { } s)
            {
                var wide = size == 8;
                block.Code[i] = ins = s.Imm is { } imm
                    ? new MachineInstr(wide ? Instruction.Mov64(0, imm) : Instruction.Mov32(0, imm), ins.Dst) { Location = ins.Location }
                    : new MachineInstr(wide ? Instruction.Mov64(0, (Register)0) : Instruction.Mov32(0, (Register)0), ins.Dst, s.Reg) { Location = ins.Location };
                changed = true;
            }
            else if ((IsFrameAccess(ins, InstructionClass.Stx) || IsFrameAccess(ins, InstructionClass.St)) && (t.OpCode & 0xe0) == (byte)MemoryMode.Mem)
            {
                stored.RemoveAll(x => Overlaps(x.Offset, x.Size, t.Offset, size));
                if (size is 4 or 8)
                    stored.Add(t.Class == InstructionClass.St ? new Stored(t.Offset, size, Vreg.None, t.Imm) : new Stored(t.Offset, size, ins.Src, null));
                continue;
            }
            else if (ins.IsCall || t.Class is InstructionClass.St or InstructionClass.Stx)
            {
                // A helper may write the frame through a pointer argument; a store through a register may point into the frame.
                stored.Clear();
                continue;
            }
            ins.Defs(defs);
            stored.RemoveAll(x => x.Reg != Vreg.None && defs.Contains(x.Reg));
        }
        return changed;
    }

    /// <summary>
    /// Stores into frame bytes that no load reads directly and that lie below every address the function takes of
    /// the frame (a pointer reaches its object, above it: the frame grows down, and reading below an object is
    /// undefined in C#). Gives up when a frame address is moved in a way not followed here or kept in memory.
    /// </summary>
    private static bool RemoveDeadStores(IrFunction function)
    {
        var lowest = LowestReachable(function, out var derived);
        if (lowest == Anywhere) return false;
        var loads = new List<(short Offset, int Size)>();
        foreach (var ins in function.Blocks.SelectMany(b => b.Code))
            if (IsFrameAccess(ins, InstructionClass.Ldx) || IsFrameAccess(ins, InstructionClass.Stx) && (ins.Template.OpCode & 0xe0) == (byte)MemoryMode.Atomic)
                loads.Add((ins.Template.Offset, SizeOf(ins.Template)));
        bool Dead(MachineInstr ins)
        {
            var t = ins.Template;
            if (!(IsFrameAccess(ins, InstructionClass.Stx) || IsFrameAccess(ins, InstructionClass.St)) || (t.OpCode & 0xe0) != (byte)MemoryMode.Mem) return false;
            var size = SizeOf(t);
            return t.Offset + size <= lowest && !loads.Any(l => Overlaps(l.Offset, l.Size, t.Offset, size));
        }
        // A frame address stored to memory could come back unseen; only when that store goes too is all in view.
        foreach (var ins in function.Blocks.SelectMany(b => b.Code))
            if (ins.Template.Class == InstructionClass.Stx && derived.Contains(ins.Src) && !Dead(ins))
                return false;
        var changed = false;
        foreach (var block in function.Blocks)
            changed |= block.Code.RemoveAll(Dead) > 0;
        return changed;
    }

    /// <summary>
    /// The lowest frame offset that a pointer made from r10 may reach (0 when none is made), or <see cref="Anywhere"/>;
    /// <paramref name="derived"/>: the registers that may hold such a pointer.
    /// </summary>
    private static int LowestReachable(IrFunction function, out HashSet<int> derived)
    {
        derived = [Vreg.Frame];
        var all = function.Blocks.SelectMany(b => b.Code).ToList();
        // Registers a frame address flows into: copies and constant displacements of r10 and of each other.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var ins in all)
                if (ins.IsCopy && derived.Contains(ins.Src) && derived.Add(ins.Dst)) grew = true;
        }
        var lowest = 0;
        var uses = new List<int>();
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var known = new Dictionary<int, int>(); // register -> frame offset it holds here
            foreach (var ins in block.Code)
            {
                var t = ins.Template;
                ins.Uses(uses);
                ins.Defs(defs);
                var memoryBase = t.Class is InstructionClass.Ldx ? ins.Src : t.Class is InstructionClass.St or InstructionClass.Stx ? ins.Dst : Vreg.None;
                if (ins.IsCopy && derived.Contains(ins.Src))
                {
                    if (ins.Src == Vreg.Frame) known[ins.Dst] = 0;
                    else if (known.TryGetValue(ins.Src, out var o)) known[ins.Dst] = o;
                    else known.Remove(ins.Dst); // the same value as the source, whose offset was counted where it was made
                    continue;
                }
                if (!ins.IsSetCondition && t.Class == InstructionClass.Alu64 && (AluOp)(t.OpCode & 0xf0) is AluOp.Add or AluOp.Sub
                    && (t.OpCode & (byte)OperandSource.X) == 0 && derived.Contains(ins.Dst) && ins.Dst != Vreg.Frame)
                {
                    var delta = (AluOp)(t.OpCode & 0xf0) == AluOp.Add ? (long)t.Imm : -(long)t.Imm;
                    if (known.TryGetValue(ins.Dst, out var o))
                    {
                        known[ins.Dst] = (int)Math.Max(Anywhere, o + delta);
                        lowest = Math.Min(lowest, known[ins.Dst]);
                    }
                    else if (delta < 0) return Anywhere;
                    continue;
                }
                foreach (var u in uses)
                {
                    if (!derived.Contains(u)) continue;
                    if (u == memoryBase && (t.Class is InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx))
                    {
                        if (u == Vreg.Frame) continue; // a direct access, counted as a load or a store
                        if (t.Offset < 0)
                        {
                            if (!known.TryGetValue(u, out var o)) return Anywhere;
                            lowest = Math.Min(lowest, o + t.Offset);
                        }
                        continue;
                    }
                    // Read by a call (from the pointer up), compared, returned, or stored as a value (checked by the caller).
                    if (ins.IsCall || ins.IsExit || ins.IsJump || ins.IsSetCondition || t.Class == InstructionClass.Stx && u == ins.Src) continue;
                    return Anywhere;
                }
                // Written from no frame address (those cases are above): it holds something else now.
                foreach (var d in defs) known.Remove(d);
            }
        }
        return lowest;
    }

    private static bool IsFrameAccess(MachineInstr ins, InstructionClass cls) =>
        ins.Template.Class == cls && (cls == InstructionClass.Ldx ? ins.Src : ins.Dst) == Vreg.Frame;

    private static int SizeOf(Instruction t) => (MemorySize)(t.OpCode & 0x18) switch
    {
        MemorySize.B => 1,
        MemorySize.H => 2,
        MemorySize.W => 4,
        _ => 8,
    };

    private static bool Overlaps(int a, int aSize, int b, int bSize) => a < b + bSize && b < a + aSize;
}
