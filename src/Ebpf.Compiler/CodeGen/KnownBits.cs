using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Which bits each virtual register may have set at each point, and the masks and zero extensions that
/// this makes redundant. C# masks a variable shift count (`&amp; 31`, which the compiler repeats), narrows with
/// `(uint)` and `&amp; 0xff`; after `x &gt;&gt; 32`, a comparison's 0/1 shifted by 3, or a byte load, those change nothing.
/// </summary>
internal static class KnownBits
{
    private const ulong Low32 = 0xffff_ffff;

    /// <summary>Removes ANDs and zero extensions that keep every bit their operand may have; 32-bit copies of values with a zero upper half become plain copies.</summary>
    public static bool Simplify(IrFunction function)
    {
        var entry = Compute(function);
        var changed = false;
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var masks = new Dictionary<int, ulong>(entry[block]);
            ulong Mask(int r) => Vreg.IsVirtual(r) ? masks.GetValueOrDefault(r) : ulong.MaxValue;
            for (var i = 0; i < block.Code.Count; i++)
            {
                var ins = block.Code[i];
                var t = ins.Template;
                if (!ins.IsSetCondition && ins.Core is null && t.Class is InstructionClass.Alu or InstructionClass.Alu64 && Vreg.IsVirtual(ins.Dst))
                {
                    var wide = t.Class == InstructionClass.Alu64;
                    var register = (t.OpCode & (byte)OperandSource.X) != 0;
                    switch ((AluOp)(t.OpCode & 0xf0))
                    {
                        case AluOp.And when !register && (Mask(ins.Dst) & ~(wide ? (ulong)(long)t.Imm : (uint)t.Imm)) == 0:
                            block.Code.RemoveAt(i--);
                            changed = true;
                            continue;
                        case AluOp.Mov when register && !wide && t.Offset == 0 && (Mask(ins.Src) & ~Low32) == 0:
                            if (ins.Src == ins.Dst)
                            {
                                block.Code.RemoveAt(i--);
                                changed = true;
                                continue;
                            }
                            ins.Template = Instruction.Mov64(0, (Register)0); // a copy, which the allocator can coalesce
                            changed = true;
                            break;
                    }
                }
                Step(ins, masks, defs);
            }
        }
        return changed;
    }

    /// <summary>
    /// Bits that may be set in each virtual register where each block starts: a forward data flow whose join is the
    /// union (each step only adds bits). A register not yet written is zero (FunctionCompiler.ZeroLiveIns).
    /// </summary>
    internal static Dictionary<Block, Dictionary<int, ulong>> Compute(IrFunction function)
    {
        var entry = function.Blocks.ToDictionary(b => b, _ => new Dictionary<int, ulong>());
        var defs = new List<int>();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var block in function.Blocks)
            {
                var masks = new Dictionary<int, ulong>(entry[block]);
                foreach (var ins in block.Code) Step(ins, masks, defs);
                foreach (var successor in block.Successors())
                {
                    var into = entry[successor];
                    foreach (var (r, m) in masks)
                    {
                        var before = into.GetValueOrDefault(r);
                        if ((before | m) == before) continue;
                        into[r] = before | m;
                        changed = true;
                    }
                }
            }
        }
        return entry;
    }

    private static void Step(MachineInstr ins, Dictionary<int, ulong> masks, List<int> defs)
    {
        ins.Defs(defs);
        if (defs.Count == 0) return;
        var results = defs.Where(Vreg.IsVirtual).Select(d => (d, Result(ins, d, masks))).ToList();
        foreach (var (d, m) in results) masks[d] = m;
    }

    /// <summary>The bits <paramref name="ins"/> may set in <paramref name="reg"/>, one of its definitions.</summary>
    private static ulong Result(MachineInstr ins, int reg, Dictionary<int, ulong> masks)
    {
        ulong Mask(int r) => Vreg.IsVirtual(r) ? masks.GetValueOrDefault(r) : ulong.MaxValue;
        if (ins.IsSetCondition) return 1;
        var t = ins.Template;
        if (ins.IsCall || t.IsLoadImm64 || reg != ins.Dst) return ulong.MaxValue;
        if (t.Class == InstructionClass.Ldx)
            return (t.OpCode & 0xe0) != (byte)MemoryMode.Mem ? ulong.MaxValue : (MemorySize)(t.OpCode & 0x18) switch
            {
                MemorySize.B => 0xff,
                MemorySize.H => 0xffff,
                MemorySize.W => Low32,
                _ => ulong.MaxValue,
            };
        if (t.Class is not (InstructionClass.Alu or InstructionClass.Alu64) || ins.Core is not null) return ulong.MaxValue;
        var wide = t.Class == InstructionClass.Alu64;
        var limit = wide ? ulong.MaxValue : Low32;
        var register = (t.OpCode & (byte)OperandSource.X) != 0;
        var a = Mask(ins.Dst) & limit;
        var b = register ? Mask(ins.Src) & limit : wide ? (ulong)(long)t.Imm : (uint)t.Imm;
        var width = wide ? 63 : 31;
        return (AluOp)(t.OpCode & 0xf0) switch
        {
            AluOp.Mov => t.Offset == 0 ? b : limit, // an offset makes it a sign-extending move
            AluOp.And => a & b,
            AluOp.Or or AluOp.Xor => a | b,
            AluOp.Lsh => register ? SmearUp(a) & limit : (a << (t.Imm & width)) & limit,
            AluOp.Rsh => register ? SmearDown(a) : a >> (t.Imm & width),
            AluOp.Arsh when (a >> width & 1) == 0 => register ? SmearDown(a) : a >> (t.Imm & width),
            // Unsigned: never above the dividend.
            AluOp.Div or AluOp.Mod when t.Offset == 0 => SmearDown(a),
            AluOp.Add when (SmearDown(a | b) >> width) == 0 => (SmearDown(a | b) << 1 | 1) & limit,
            AluOp.End => t.Imm is 16 or 32 ? (1UL << t.Imm) - 1 : ulong.MaxValue,
            _ => limit,
        };
    }

    /// <summary>Every bit at or below the highest that may be set.</summary>
    private static ulong SmearDown(ulong m) => m == 0 ? 0 : ulong.MaxValue >> System.Numerics.BitOperations.LeadingZeroCount(m);

    /// <summary>Every bit at or above the lowest that may be set.</summary>
    private static ulong SmearUp(ulong m) => m == 0 ? 0 : ~((m & (~m + 1)) - 1);
}
