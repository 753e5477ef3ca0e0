using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Lowering;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Checks at build time what the verifier checks at load: a program returns one of its verdict enum's values. A small
/// forward analysis gives each register the set of constants it may hold (constants, copies, 0/1 from comparisons,
/// <c>x &amp; k</c> for small k); a return whose set is unknown or has a value outside the enum is a build error at
/// the C# line where the unbounded value was made (the cast), or else at the return.
/// </summary>
internal static class ReturnValues
{
    private const int MaxSet = 32;

    public static void Check(IrFunction function, Type verdict, IReadOnlySet<long> allowed)
    {
        // The kernel reads a 32-bit verdict from w0: TcAction.Unspec (-1) is 0xffffffff in a zero-extended register.
        var narrow = Layout.SizeOf(Enum.GetUnderlyingType(verdict)) <= 4;
        HashSet<long> Low32(IEnumerable<long> set) => set.Select(v => (long)(int)v).ToHashSet();
        if (narrow) allowed = Low32(allowed);
        var unbounded = new Dictionary<int, SourceLocation?>();
        var states = new Dictionary<Block, Dictionary<int, HashSet<long>?>>();
        var entry = function.Blocks[0];
        states[entry] = [];
        var work = new Queue<Block>([entry]);
        var queued = new HashSet<Block> { entry };
        var rounds = 0;
        while (work.Count > 0 && rounds++ < 10_000)
        {
            var block = work.Dequeue();
            queued.Remove(block);
            var state = Copy(states[block]);
            foreach (var ins in block.Code)
            {
                if (ins.IsExit)
                {
                    var values = Get(state, 0);
                    if (values is not null && narrow) values = Low32(values);
                    if (values is null || !values.IsSubsetOf(allowed))
                    {
                        var shown = values is null ? "a value the compiler cannot bound" : string.Join(", ", values.Except(allowed));
                        var at = values is null && unbounded.TryGetValue(0, out var origin) ? origin ?? ins.Location : ins.Location;
                        throw new CompilerException(at, "EBPF073",
                            $"{function.Name} may return {shown}, which is not a {verdict.Name}; return one of {string.Join(", ", Enum.GetNames(verdict).Select(n => verdict.Name + "." + n))} (a cast from a computed integer is not checked by C#, and the kernel refuses the program)");
                    }
                    continue;
                }
                Transfer(state, ins);
                Trace(ins, state, unbounded);
            }
            foreach (var successor in block.Successors())
                if (Join(states, successor, state) && queued.Add(successor))
                    work.Enqueue(successor);
        }
    }

    /// <summary>Remembers where each unbounded register's value was made, following copies (the cast, not the return).</summary>
    private static void Trace(MachineInstr ins, Dictionary<int, HashSet<long>?> state, Dictionary<int, SourceLocation?> unbounded)
    {
        var defs = new List<int>();
        ins.Defs(defs);
        foreach (var d in defs)
        {
            if (Get(state, d) is not null) unbounded.Remove(d);
            else unbounded[d] = ins.IsCopy && unbounded.TryGetValue(ins.Src, out var from) ? from : ins.Location;
        }
    }

    private static Dictionary<int, HashSet<long>?> Copy(Dictionary<int, HashSet<long>?> s) => s.ToDictionary(p => p.Key, p => p.Value is null ? null : new HashSet<long>(p.Value));

    /// <summary>Unknown registers (never written on this path, or computed) are null: any value.</summary>
    private static HashSet<long>? Get(Dictionary<int, HashSet<long>?> state, int reg) => state.TryGetValue(reg, out var v) ? v : null;

    private static void Transfer(Dictionary<int, HashSet<long>?> state, MachineInstr ins)
    {
        var defs = new List<int>();
        ins.Defs(defs);
        var t = ins.Template;
        HashSet<long>? result = null;
        if (ins.IsSetCondition)
            result = [0, 1];
        else if (t.Class is InstructionClass.Alu or InstructionClass.Alu64 && defs.Count == 1)
        {
            var op = (AluOp)(t.OpCode & 0xf0);
            var register = (t.OpCode & (byte)OperandSource.X) != 0;
            var wide = t.Class == InstructionClass.Alu64;
            if (op == AluOp.Mov && !register)
                result = [wide ? t.Imm : (uint)t.Imm];
            else if (op == AluOp.Mov && register && t.Offset == 0)
                result = Get(state, ins.Src) is { } s ? (wide ? [.. s] : [.. s.Select(v => (long)(uint)v)]) : null;
            else if (op == AluOp.And && !register && t.Imm is >= 0 and < MaxSet)
                result = [.. Enumerable.Range(0, t.Imm + 1).Select(v => (long)v).Where(v => (v & ~t.Imm) == 0)];
        }
        foreach (var d in defs) state[d] = result;
    }

    /// <summary>Unions <paramref name="incoming"/> into the successor's state; whether it changed.</summary>
    private static bool Join(Dictionary<Block, Dictionary<int, HashSet<long>?>> states, Block successor, Dictionary<int, HashSet<long>?> incoming)
    {
        if (!states.TryGetValue(successor, out var known))
        {
            states[successor] = Copy(incoming);
            return true;
        }
        var changed = false;
        foreach (var reg in known.Keys.ToList())
        {
            var mine = known[reg];
            var theirs = Get(incoming, reg);
            if (mine is null) continue;
            if (theirs is null || mine.Count + theirs.Count > MaxSet && !theirs.IsSubsetOf(mine))
            {
                known[reg] = null;
                changed = true;
            }
            else if (!theirs.IsSubsetOf(mine))
            {
                mine.UnionWith(theirs);
                changed = true;
            }
        }
        return changed;
    }
}
