using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

/// <summary>Comparisons stay symbolic until a branch consumes them (one conditional jump) or a value is needed (0 or 1).</summary>
internal sealed partial class MethodLowering
{
    private static bool IsSignedJump(JumpOp op) => op is JumpOp.Jsgt or JumpOp.Jsge or JumpOp.Jslt or JumpOp.Jsle;

    private Operand MakeCompare(JumpOp op, Operand a, Operand b)
    {
        var wide = a.Wide || b.Wide;
        if (a.Kind == OperandKind.Condition) a = Operand.InRegister(_b.SetCondition(a), typeof(bool), false, true);
        if (b.Kind == OperandKind.Condition)
        {
            // (cond) == 0 is !cond; (cond) != 0 is cond.
            if (a.IsConstant && a.Value == 0 && op is JumpOp.Jeq or JumpOp.Jne) return op == JumpOp.Jeq ? Invert(b) : b;
            b = Operand.InRegister(_b.SetCondition(b), typeof(bool), false, true);
        }
        if (a.IsConstant && !b.IsConstant) { (a, b) = (b, a); op = JumpOps.Mirror(op); }
        if (a.KernelFamily && b.IsConstant) b = ConstantInt(KernelFamilyOf(b.Value));
        if (wide) { a = Widen(a); b = Widen(b); }
        if (wide && a.Kind == OperandKind.Register && !a.Wide) a = Operand.InRegister(SignExtended(a), typeof(long), true, true);
        if (wide && b.Kind == OperandKind.Register && !b.Wide) b = Operand.InRegister(SignExtended(b), typeof(long), true, true);
        // 32-bit values are zero-extended, so only signed order needs the 32-bit jump; the rest use 64-bit jumps,
        // which also teach the verifier the value's 64-bit range (what packet offsets need).
        return Operand.Compare(op, wide || !IsSignedJump(op), a, b);
    }

    private void Compare(JumpOp op)
    {
        var b = Pop();
        var a = Pop();
        if (a.Kind == OperandKind.Condition && b.IsConstant && b.Value == 0 && op == JumpOp.Jeq)
        {
            Push(Invert(a));
            return;
        }
        if (a.IsConstant && b.IsConstant)
        {
            Push(ConstantInt(Evaluate(op, a, b) ? 1 : 0));
            return;
        }
        Push(MakeCompare(op, a, b));
    }

    private static bool Evaluate(JumpOp op, Operand a, Operand b)
    {
        var wide = a.Wide || b.Wide;
        long x = wide ? Widen(a).Value : (int)a.Value, y = wide ? Widen(b).Value : (int)b.Value;
        ulong ux = wide ? (ulong)x : (uint)x, uy = wide ? (ulong)y : (uint)y;
        return op switch
        {
            JumpOp.Jeq => x == y,
            JumpOp.Jne => x != y,
            JumpOp.Jgt => ux > uy,
            JumpOp.Jge => ux >= uy,
            JumpOp.Jlt => ux < uy,
            JumpOp.Jle => ux <= uy,
            JumpOp.Jsgt => x > y,
            JumpOp.Jsge => x >= y,
            JumpOp.Jslt => x < y,
            JumpOp.Jsle => x <= y,
            _ => throw new InvalidOperationException(op.ToString()),
        };
    }

    /// <summary>A value as a condition: itself when it is one, else value != 0.</summary>
    private Operand Truth(Operand v) => v.Kind switch
    {
        OperandKind.Condition => v,
        OperandKind.Constant => v,
        _ => MakeCompare(JumpOp.Jne, v, Operand.Constant(0, v.Wide)),
    };

    private Operand Invert(Operand c) => c.Kind switch
    {
        OperandKind.Condition => Operand.Compare(JumpOps.Invert(c.Condition), c.ConditionWide, c.Left!, c.Right!),
        OperandKind.Constant => ConstantInt(c.Value == 0 ? 1 : 0),
        _ => throw new InvalidOperationException(c.ToString()),
    };

    private void Branch(Operand condition, int target)
    {
        if (condition.IsConstant)
        {
            // The path not taken is dead but still lowered, from the same IL stack: an inlined `pass ? a : b` with a
            // constant `pass` has the map receiver below the branch on both paths.
            MergeStackInto(target);
            if (condition.Value != 0)
            {
                if (_index + 1 < _il.Count) MergeStackInto(_il[_index + 1].Offset);
                _b.Goto(Label(target));
            }
            return;
        }
        MergeStackInto(target);
        _b.JumpIf(condition.Condition, condition.ConditionWide, _b.Materialize(condition.Left!), condition.Right!, Label(target));
    }

    private void CompareBranch(JumpOp op, int target)
    {
        var b = Pop();
        var a = Pop();
        if (a.IsConstant && b.IsConstant)
        {
            Branch(ConstantInt(Evaluate(op, a, b) ? 1 : 0), target);
            return;
        }
        Branch(MakeCompare(op, a, b), target);
    }
}
