using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Registers;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Clean-up before register allocation. Intrinsics and inlined methods produce a flag (TryLoad's result, a bool a
/// helper method returns) that the caller immediately branches on: the branch is decided where the flag is set, so
/// the flag usually dies; then dead instructions go.
/// </summary>
internal static class Optimizer
{
    public static void Run(IrFunction function)
    {
        for (var round = 0; round < 16; round++)
        {
            var changed = FoldSwappedCompares(function);
            changed |= FuseTests(function);
            changed |= ThreadKnownBranches(function);
            changed |= RemoveDeadCode(function);
            changed |= RemoveUnusedFallbacks(function);
            changed |= KnownBits.Simplify(function);
            changed |= FrameStores.Run(function);
            if (!changed) return;
        }
    }

    /// <summary>
    /// A block that sets a register to a constant and then flows (through blocks of nothing but copies) into a test of
    /// it jumps straight to where the test goes, taking the copies along; a block whose only successor tests a
    /// comparison it just set branches on the comparison itself.
    /// </summary>
    private static bool ThreadKnownBranches(IrFunction function)
    {
        var changed = false;
        foreach (var block in function.Blocks)
        {
            if (block.Code.Any(i => i.IsJump && !i.IsUnconditionalJump)) continue;
            var tail = block.Code.Count > 0 && block.Code[^1].IsUnconditionalJump ? block.Code[^1] : null;
            var successor = tail is not null ? tail.Target : block.EndsControl ? null : block.Next;
            if (successor is null || successor == block) continue;
            if (ThreadConstant(block, tail, successor)) { changed = true; continue; }
            if (successor.Code.Count != 1) continue;
            var test = successor.Code[0];
            if (!IsZeroTest(test, out var op) || successor.Next is null) continue;
            var def = LastDefinition(block, test.Dst);
            if (def is not null && def.IsSetCondition && !WrittenAfter(block, def, def.Src) && (def.Aux == Vreg.None || !WrittenAfter(block, def, def.Aux)))
            {
                // Branch on the comparison itself: taken when (v != 0) == cond, i.e. cond for jne, !cond for jeq.
                var compare = def.Template;
                if (op == JumpOp.Jeq) compare = JumpOps.Inverted(compare);
                if (tail is not null) block.Code.Remove(tail);
                block.Code.Add(new MachineInstr(compare.WithOffset(0), def.Src, def.Aux) { Target = test.Target, Location = test.Location });
                block.Next = successor.Next;
                changed = true;
            }
        }
        return changed;
    }

    private static bool IsZeroTest(MachineInstr test, out JumpOp op)
    {
        op = (JumpOp)(test.Template.OpCode & 0xf0);
        return test.IsJump && !test.IsUnconditionalJump && test.Src == Vreg.None && Vreg.IsVirtual(test.Dst) && test.Template.Imm == 0 && op is JumpOp.Jeq or JumpOp.Jne;
    }

    /// <summary>Follows copy-only blocks from <paramref name="block"/> to a test whose register holds a known constant there.</summary>
    private static bool ThreadConstant(Block block, MachineInstr? tail, Block successor)
    {
        var constants = new Dictionary<int, long>();
        foreach (var ins in block.Code) Track(constants, ins);
        if (constants.Count == 0) return false;
        var carried = new List<MachineInstr>();
        var current = successor;
        for (var hops = 0; hops < 8 && current != block; hops++)
        {
            var last = current.Code.Count > 0 ? current.Code[^1] : null;
            var body = last is not null && (last.IsJump || last.IsExit) ? current.Code.Take(current.Code.Count - 1) : current.Code;
            if (!body.All(i => i.IsCopy || IsMoveImmediate(i, out _))) return false;
            var bodyList = body.ToList();
            foreach (var ins in bodyList) Track(constants, ins);
            if (last is not null && IsZeroTest(last, out var op) && current.Next is not null && constants.TryGetValue(last.Dst, out var value))
            {
                var taken = op == JumpOp.Jeq ? value == 0 : value != 0;
                var to = taken ? last.Target! : current.Next;
                carried.AddRange(bodyList);
                var insertAt = tail is not null ? block.Code.Count - 1 : block.Code.Count;
                block.Code.InsertRange(insertAt, carried.Select(Clone));
                Redirect(block, tail, to);
                return true;
            }
            if (last is not null && last.IsUnconditionalJump && last.Target is { } next) { carried.AddRange(bodyList); current = next; continue; }
            if ((last is null || !last.IsJump && !last.IsExit) && current.Next is { } fall) { carried.AddRange(bodyList); current = fall; continue; }
            return false;
        }
        return false;
    }

    private static MachineInstr Clone(MachineInstr i) => new(i.Template, i.Dst, i.Src) { Location = i.Location };

    private static void Track(Dictionary<int, long> constants, MachineInstr ins)
    {
        var defs = new List<int>();
        ins.Defs(defs);
        if (IsMoveImmediate(ins, out var value) && Vreg.IsVirtual(ins.Dst)) // only zero-ness is tested, which mov32 keeps
            constants[ins.Dst] = value;
        else if (ins.IsCopy && constants.TryGetValue(ins.Src, out var copied))
            constants[ins.Dst] = copied;
        else
            foreach (var d in defs) constants.Remove(d);
    }

    /// <summary>
    /// A 16-bit byte swap whose result (and its copies) is only compared for equality with constants: the comparisons
    /// take the swapped constants and the swap goes (skb.Protocol == EtherType.IPv4 is one load and one jump, as in C).
    /// </summary>
    private static bool FoldSwappedCompares(IrFunction function)
    {
        var defs = new Dictionary<int, List<MachineInstr>>();
        var uses = new Dictionary<int, List<MachineInstr>>();
        var scratch = new List<int>();
        foreach (var ins in function.Blocks.SelectMany(b => b.Code))
        {
            ins.Defs(scratch);
            foreach (var d in scratch) (defs.TryGetValue(d, out var l) ? l : defs[d] = []).Add(ins);
            ins.Uses(scratch);
            foreach (var u in scratch.Distinct()) (uses.TryGetValue(u, out var l) ? l : uses[u] = []).Add(ins);
        }
        var changed = false;
        foreach (var block in function.Blocks)
            for (var i = 1; i < block.Code.Count; i++)
            {
                var swap = block.Code[i];
                if (!swap.SwapsSixteenBits || !Vreg.IsVirtual(swap.Dst) || defs[swap.Dst].Count != 2 || !defs[swap.Dst].Contains(block.Code[i - 1]))
                    continue;
                var values = new HashSet<int> { swap.Dst };
                var compares = new List<MachineInstr>();
                var ok = true;
                var work = new Stack<int>([swap.Dst]);
                while (ok && work.Count > 0)
                {
                    var v = work.Pop();
                    foreach (var use in uses.GetValueOrDefault(v) ?? [])
                    {
                        if (use == swap) continue;
                        if (use.IsCopy && Vreg.IsVirtual(use.Dst) && defs[use.Dst].Count == 1)
                        {
                            if (values.Add(use.Dst)) work.Push(use.Dst);
                            continue;
                        }
                        var test = use.IsSetCondition ? use.Aux == Vreg.None && values.Contains(use.Src) : use.IsJump && !use.IsUnconditionalJump && use.Src == Vreg.None;
                        var op = (JumpOp)(use.Template.OpCode & 0xf0);
                        if (test && op is JumpOp.Jeq or JumpOp.Jne && use.Template.Imm is >= 0 and <= 0xffff)
                            compares.Add(use);
                        else
                            ok = false;
                    }
                }
                if (!ok) continue;
                foreach (var c in compares)
                    c.Template = c.Template.WithImm(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)c.Template.Imm));
                block.Code.RemoveAt(i);
                changed = true;
            }
        return changed;
    }

    /// <summary>A set-condition tested by the jump right after it: the jump compares the operands itself.</summary>
    private static bool FuseTests(IrFunction function)
    {
        var changed = false;
        foreach (var block in function.Blocks)
        {
            if (block.Code.Count < 2) continue;
            var test = block.Code[^1];
            var def = block.Code[^2];
            if (!def.IsSetCondition || !test.IsJump || test.IsUnconditionalJump || test.Src != Vreg.None || test.Dst != def.Dst || test.Template.Imm != 0) continue;
            var op = (JumpOp)(test.Template.OpCode & 0xf0);
            if (op is not (JumpOp.Jeq or JumpOp.Jne) || def.Src == def.Dst || def.Aux == def.Dst) continue;
            var compare = def.Template;
            if (op == JumpOp.Jeq) compare = JumpOps.Inverted(compare);
            block.Code[^1] = new MachineInstr(compare.WithOffset(0), def.Src, def.Aux) { Target = test.Target, Location = test.Location };
            changed = true;
        }
        return changed;
    }

    /// <summary>A packet view's zeroed fallback bytes where nothing points the view at them any more (nothing read it after a failed load).</summary>
    private static bool RemoveUnusedFallbacks(IrFunction function)
    {
        var changed = false;
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var views = block.Code.Where(i => i.ZeroesFor != Vreg.None).Select(i => i.ZeroesFor).Distinct().ToList();
            foreach (var view in views)
            {
                var set = block.Code.Any(i => { i.Defs(defs); return defs.Contains(view); });
                if (!set) changed |= block.Code.RemoveAll(i => i.ZeroesFor == view) > 0;
            }
        }
        return changed;
    }

    private static void Redirect(Block block, MachineInstr? tail, Block to)
    {
        if (tail is not null) tail.Target = to;
        else block.Next = to;
    }

    private static bool WrittenAfter(Block block, MachineInstr ins, int reg)
    {
        var defs = new List<int>();
        for (var i = block.Code.IndexOf(ins) + 1; i < block.Code.Count; i++)
        {
            block.Code[i].Defs(defs);
            if (defs.Contains(reg)) return true;
        }
        return false;
    }

    private static MachineInstr? LastDefinition(Block block, int reg)
    {
        var defs = new List<int>();
        for (var i = block.Code.Count - 1; i >= 0; i--)
        {
            block.Code[i].Defs(defs);
            if (defs.Contains(reg)) return block.Code[i];
        }
        return null;
    }

    private static bool IsMoveImmediate(MachineInstr ins, out long value)
    {
        var t = ins.Template;
        value = t.Imm;
        return !ins.IsSetCondition && ins.Core is null && (t.Class is InstructionClass.Alu or InstructionClass.Alu64) && (AluOp)(t.OpCode & 0xf0) == AluOp.Mov && (t.OpCode & (byte)OperandSource.X) == 0;
    }

    /// <summary>Instructions without side effects whose results nothing reads.</summary>
    private static bool RemoveDeadCode(IrFunction function)
    {
        var liveness = new Liveness(function);
        var changed = false;
        var uses = new List<int>();
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var live = new HashSet<int>(liveness.LiveOut(block));
            for (var i = block.Code.Count - 1; i >= 0; i--)
            {
                var ins = block.Code[i];
                ins.Defs(defs);
                ins.Uses(uses);
                var pure = ins.IsSetCondition || !ins.IsCall && !ins.IsExit && !ins.IsJump && ins.Template.Class is InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Ldx or InstructionClass.Ld;
                if (pure && defs.Count > 0 && defs.All(d => Vreg.IsVirtual(d) && !live.Contains(d)))
                {
                    block.Code.RemoveAt(i);
                    changed = true;
                    continue;
                }
                live.ExceptWith(defs);
                live.UnionWith(uses);
            }
        }
        return changed;
    }
}
