using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

/// <summary>Integer arithmetic with C#'s unchecked semantics: 32-bit ALU for int (upper half kept zero), 64-bit for long.</summary>
internal sealed partial class MethodLowering
{
    private static bool Commutes(AluOp op) => op is AluOp.Add or AluOp.Mul or AluOp.And or AluOp.Or or AluOp.Xor;

    /// <summary>A 32-bit constant used in a 64-bit operation: the CLR sign-extends int32 to native int.</summary>
    private static Operand Widen(Operand o) => o.IsConstant && !o.Wide ? Operand.Constant((int)o.Value, wide: true) : o;

    private void Binary(AluOp op)
    {
        var b = Pop();
        var a = Pop();
        if (a.IsAddress || b.IsAddress)
        {
            PointerArithmetic(op, a, b);
            return;
        }
        var wide = a.Wide || b.Wide;
        if (a.IsConstant && b.IsConstant)
        {
            Push(Fold(op, a.Value, b.Value, wide));
            return;
        }
        if (a.IsConstant && Commutes(op)) (a, b) = (b, a);
        // x + 0, x * 1, x | 0 ...: nothing to do.
        if (b.IsConstant && IsIdentity(op, wide ? (long)Widen(b).Value : (int)b.Value))
        {
            Push(a);
            return;
        }
        var dst = WidenedWritable(a, wide);
        Apply(op, dst, b, wide, signed: false);
        Push(Operand.InRegister(dst, wide ? typeof(long) : typeof(int), wide, temporary: true));
    }

    private static bool IsIdentity(AluOp op, long value) => op switch
    {
        AluOp.Add or AluOp.Sub or AluOp.Or or AluOp.Xor or AluOp.Lsh or AluOp.Rsh or AluOp.Arsh => value == 0,
        AluOp.Mul or AluOp.Div => value == 1,
        AluOp.And => value == -1,
        _ => false,
    };

    /// <summary>A register holding <paramref name="a"/> that may be overwritten, sign-extended to 64 bits when the operation is wide.</summary>
    private int WidenedWritable(Operand a, bool wide)
    {
        if (wide && !a.Wide)
        {
            var r = _b.NewVreg();
            if (a.IsConstant) _b.LoadConstant(r, (int)a.Value, wide: true);
            else _b.Emit(Instruction.MovSx64(0, 0, 32), r, _b.Materialize(a));
            return r;
        }
        return _b.Writable(a);
    }

    /// <summary>dst = dst op b, with b as the immediate where it fits.</summary>
    private void Apply(AluOp op, int dst, Operand b, bool wide, bool signed)
    {
        if (wide) b = Widen(b);
        if (b.IsConstant && FunctionBuilder.FitsImmediate(b, wide))
        {
            var imm = (int)b.Value;
            _b.Emit(wide ? (signed ? Instruction.SignedAlu64(op, 0, imm) : Instruction.Alu64(op, 0, imm)) : (signed ? Instruction.SignedAlu32(op, 0, imm) : Instruction.Alu32(op, 0, imm)), dst);
            return;
        }
        var src = wide && !b.Wide ? SignExtended(b) : _b.Materialize(b);
        _b.Emit(wide ? (signed ? Instruction.SignedAlu64(op, 0, (Register)0) : Instruction.Alu64(op, 0, (Register)0))
                     : (signed ? Instruction.SignedAlu32(op, 0, (Register)0) : Instruction.Alu32(op, 0, (Register)0)), dst, src);
    }

    private int SignExtended(Operand narrow)
    {
        var r = _b.NewVreg();
        _b.Emit(Instruction.MovSx64(0, 0, 32), r, _b.Materialize(narrow));
        return r;
    }

    private static Operand Fold(AluOp op, long a, long b, bool wide)
    {
        if (!wide) { a = (int)a; b = (int)b; }
        long r = op switch
        {
            AluOp.Add => a + b,
            AluOp.Sub => a - b,
            AluOp.Mul => a * b,
            AluOp.And => a & b,
            AluOp.Or => a | b,
            AluOp.Xor => a ^ b,
            AluOp.Lsh => wide ? a << (int)(b & 63) : (int)a << (int)(b & 31),
            AluOp.Rsh => wide ? (long)((ulong)a >> (int)(b & 63)) : (uint)a >> (int)(b & 31),
            AluOp.Arsh => wide ? a >> (int)(b & 63) : (int)a >> (int)(b & 31),
            _ => throw new InvalidOperationException(op.ToString()),
        };
        return Operand.Constant(r, wide);
    }

    /// <summary>
    /// C# throws on division by zero (and on MinValue / -1); BPF does not. So `/` and `%` take a non-zero constant divisor,
    /// where both agree; anything else must say which semantics it wants with Bpf.Div / Bpf.Mod.
    /// </summary>
    private void Divide(AluOp op, bool signed)
    {
        var b = Pop();
        var a = Pop();
        var wide = a.Wide || b.Wide;
        var divisor = b.IsConstant ? (wide ? Widen(b).Value : signed ? (int)b.Value : (uint)b.Value) : 0;
        if (!b.IsConstant || divisor == 0)
            throw Error("EBPF033", $"'{(op == AluOp.Div ? "/" : "%")}' by a value that is not a non-zero constant: C# would throw on zero, BPF gives {(op == AluOp.Div ? "0" : "the dividend")}; call Bpf.{(op == AluOp.Div ? "Div" : "Mod")}(x, y), which means the same in both, or divide by a constant");
        if (signed && divisor == -1 && !a.IsConstant)
            throw Error("EBPF033", $"'{(op == AluOp.Div ? "/" : "%")}' by -1: C# throws for MinValue, BPF does not; write {(op == AluOp.Div ? "-x (unchecked)" : "0")} or call Bpf.{(op == AluOp.Div ? "Div" : "Mod")}(x, -1)");
        if (a.IsConstant)
        {
            Push(FoldDivision(op, signed, a.Value, divisor, wide));
            return;
        }
        var dst = WidenedWritable(a, wide);
        if (!signed && (divisor & (divisor - 1)) == 0 && (wide || divisor <= uint.MaxValue))
        {
            var shift = System.Numerics.BitOperations.Log2((ulong)divisor);
            if (op == AluOp.Div) Apply(AluOp.Rsh, dst, ConstantInt(shift), wide, false);
            else if (wide && divisor - 1 > int.MaxValue) Apply(AluOp.And, dst, Operand.Constant(divisor - 1, true), wide, false);
            else Apply(AluOp.And, dst, wide ? Operand.Constant(divisor - 1, true) : ConstantInt((int)(divisor - 1)), wide, false);
        }
        else
            Apply(op, dst, wide ? Operand.Constant(divisor, true) : ConstantInt((int)divisor), wide, signed);
        Push(Operand.InRegister(dst, wide ? typeof(long) : typeof(int), wide, temporary: true));
    }

    private static Operand FoldDivision(AluOp op, bool signed, long a, long b, bool wide)
    {
        long r;
        if (wide)
            r = signed ? (b == -1 ? (op == AluOp.Div ? unchecked(-a) : 0) : op == AluOp.Div ? a / b : a % b)
                       : (long)(op == AluOp.Div ? (ulong)a / (ulong)b : (ulong)a % (ulong)b);
        else
            r = signed ? (b == -1 ? (op == AluOp.Div ? unchecked(-(int)a) : 0) : op == AluOp.Div ? (int)a / (int)b : (int)a % (int)b)
                       : (op == AluOp.Div ? (uint)a / (uint)b : (uint)a % (uint)b);
        return Operand.Constant(r, wide);
    }

    /// <summary>Bpf.Div / Bpf.Mod: BPF's own division, which the managed implementation mirrors (x / 0 == 0, x % 0 == x).</summary>
    private void BpfDivision(AluOp op, bool signed)
    {
        var b = Pop();
        var a = Pop();
        var wide = a.Wide || b.Wide;
        var dst = WidenedWritable(a, wide);
        Apply(op, dst, b, wide, signed);
        Push(Operand.InRegister(dst, wide ? typeof(long) : typeof(int), wide, temporary: true));
    }

    /// <summary>C# masks the shift count to the operand's width; BPF leaves larger counts undefined.</summary>
    private void Shift(AluOp op)
    {
        var count = Pop();
        var value = Pop();
        var wide = value.Wide;
        var mask = wide ? 63 : 31;
        if (value.IsConstant && count.IsConstant)
        {
            Push(Fold(op, value.Value, count.Value, wide));
            return;
        }
        var dst = _b.Writable(value);
        if (count.IsConstant)
        {
            if ((count.Value & mask) != 0) Apply(op, dst, ConstantInt(count.Value & mask), wide, false);
        }
        else
        {
            var c = _b.Writable(count);
            _b.Emit(wide ? Instruction.Alu64(AluOp.And, 0, mask) : Instruction.Alu32(AluOp.And, 0, mask), c);
            _b.Emit(wide ? Instruction.Alu64(op, 0, (Register)0) : Instruction.Alu32(op, 0, (Register)0), dst, c);
        }
        Push(Operand.InRegister(dst, wide ? typeof(long) : typeof(int), wide, temporary: true));
    }

    private void Unary(bool negate)
    {
        var a = Pop();
        if (a.IsConstant)
        {
            Push(Operand.Constant(negate ? -a.Value : ~a.Value, a.Wide));
            return;
        }
        var dst = _b.Writable(a);
        if (negate) _b.Emit(a.Wide ? Instruction.Neg64(0) : Instruction.Neg32(0), dst);
        else _b.Emit(a.Wide ? Instruction.Alu64(AluOp.Xor, 0, -1) : Instruction.Alu32(AluOp.Xor, 0, -1), dst);
        Push(Operand.InRegister(dst, a.Wide ? typeof(long) : typeof(int), a.Wide, temporary: true));
    }

    private void Convert(Type to)
    {
        var a = Pop();
        if (a.Kind == OperandKind.Condition)
            a = Operand.InRegister(_b.SetCondition(a), typeof(bool), false, true);
        var size = Layout.SizeOf(to);
        if (a.IsConstant)
        {
            long v = a.Value;
            Push(to == typeof(sbyte) ? ConstantInt((sbyte)v) : to == typeof(byte) ? ConstantInt((byte)v) : to == typeof(short) ? ConstantInt((short)v)
                : to == typeof(ushort) ? ConstantInt((ushort)v) : to == typeof(int) ? ConstantInt((int)v)
                : to == typeof(long) ? Operand.Constant(a.Wide ? v : (int)v, true) : Operand.Constant(a.Wide ? v : (uint)v, true));
            return;
        }
        if (a.IsAddress && size == 8)
        {
            Push(a); // a pointer converted to native int stays an address
            return;
        }
        switch (size)
        {
            case 1 or 2:
            {
                if (a.Kind == OperandKind.Register && a.Type == to) { Push(a); return; } // already normalized
                var dst = _b.Writable(a);
                Normalize(dst, to);
                Push(Operand.InRegister(dst, typeof(int), false, temporary: true));
                return;
            }
            case 4:
                if (!a.Wide) { Push(a.Kind == OperandKind.Register ? Operand.InRegister(a.Reg, typeof(int), false, a.Temporary) : a); return; }
                var narrow = _b.NewVreg();
                _b.Emit(Instruction.Mov32(0, (Register)0), narrow, _b.Materialize(a));
                Push(Operand.InRegister(narrow, typeof(int), false, temporary: true));
                return;
            default:
                if (a.Wide) { Push(a); return; }
                if (to == typeof(ulong))
                {
                    // Zero extension: a 32-bit value's register already has a zero upper half.
                    Push(Operand.InRegister(_b.Materialize(a), typeof(ulong), true, a.Temporary));
                    return;
                }
                var wide = _b.NewVreg();
                _b.Emit(Instruction.MovSx64(0, 0, 32), wide, _b.Materialize(a));
                Push(Operand.InRegister(wide, typeof(long), true, temporary: true));
                return;
        }
    }

    /// <summary>Address arithmetic: a constant offset folds into the address; a variable one makes a pointer register.</summary>
    private void PointerArithmetic(AluOp op, Operand a, Operand b)
    {
        if (b.IsAddress && op == AluOp.Add) (a, b) = (b, a);
        if (op == AluOp.Sub && a.IsAddress && b.IsAddress)
            throw Error("EBPF065", "the difference of two addresses is not available in BPF programs; index with integers instead");
        if (op is not (AluOp.Add or AluOp.Sub) || !a.IsAddress)
            throw Error("EBPF065", $"'{op}' on an address is not available in BPF programs; only adding an offset is");
        if (a.Kind == OperandKind.LocalAddress)
            throw Unforeseen(a.Local!);
        if (b.IsConstant)
        {
            var delta = (int)(b.Wide ? b.Value : (int)b.Value);
            Push(a.Displaced(op == AluOp.Sub ? -delta : delta, a.Type));
            return;
        }
        var pointer = _b.NewVreg();
        _b.MoveInto(pointer, a.Kind == OperandKind.Register ? a.Shared() : a);
        var offset = b.Wide ? _b.Materialize(b) : SignExtended(b);
        _b.Emit(Instruction.Alu64(op, 0, (Register)0), pointer, offset);
        Push(Operand.InRegister(pointer, a.Type, true, temporary: true, a.Kind == OperandKind.FrameAddress ? PointerKind.Frame : a.Pointer));
    }
}
