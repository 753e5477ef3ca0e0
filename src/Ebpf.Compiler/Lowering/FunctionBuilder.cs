using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// The instruction stream of one function being lowered: the current block, the frame, and the primitives every
/// IL construct lowers through (materialise an operand, move into a register, branch). Inlined methods share it.
/// </summary>
internal sealed class FunctionBuilder
{
    public FunctionBuilder(string name, Func<string, string, CompilerException> error)
    {
        Function = new IrFunction(name);
        Error = error;
        Current = Function.CreateBlock("entry");
        Function.Place(Current);
    }

    public IrFunction Function { get; }
    public Block Current { get; private set; }
    public SourceLocation? Location { get; set; }
    public Func<string, string, CompilerException> Error { get; }

    /// <summary>True after an unconditional jump or exit, until a label starts a new block.</summary>
    public bool Ended { get; private set; }

    public int NewVreg() => Function.NewVreg();

    public MachineInstr Emit(Instruction template, int dst = Vreg.None, int src = Vreg.None)
    {
        if (Ended) StartBlock(Function.CreateBlock("dead"), fallThrough: false);
        var ins = new MachineInstr(template, dst, src) { Location = Location };
        Current.Code.Add(ins);
        return ins;
    }

    public void Emit(MachineInstr ins)
    {
        if (Ended) StartBlock(Function.CreateBlock("dead"), fallThrough: false);
        ins.Location ??= Location;
        Current.Code.Add(ins);
    }

    /// <summary>Bytes of frame, 8-aligned, below what is taken; returns the offset from r10.</summary>
    public short AllocateFrame(int bytes)
    {
        Function.FrameBytes += (bytes + 7) / 8 * 8;
        if (Function.FrameBytes > 512)
            throw Error("EBPF013", $"the function needs {Function.FrameBytes} bytes of stack, over BPF's 512; use fewer or smaller locals, or split the function");
        _peakFrame = Math.Max(_peakFrame, Function.FrameBytes);
        return (short)-Function.FrameBytes;
    }

    private int _peakFrame;

    /// <summary>How much of the frame is taken now: an inlined method's locals are freed when it returns.</summary>
    public int FrameMark => Function.FrameBytes;

    /// <summary>
    /// Frees the frame above <paramref name="mark"/> once an inlined method has returned: C# lets no reference to its
    /// locals outlive it, so the next call reuses the bytes (as clang's stack colouring does).
    /// </summary>
    public void ReleaseFrame(int mark) => Function.FrameBytes = mark;

    /// <summary>After lowering: the frame is as large as it ever was (spill slots go below that).</summary>
    public void SettleFrame() => Function.FrameBytes = _peakFrame;

    /// <summary>Makes <paramref name="block"/> the current one; the previous block falls through to it unless it ended.</summary>
    public void StartBlock(Block block, bool fallThrough = true)
    {
        if (!Ended && fallThrough)
            Current.Next = block;
        Function.Place(block);
        Current = block;
        Ended = false;
    }

    public void Goto(Block target)
    {
        if (Ended) return;
        Emit(Instruction.Goto(0)).Target = target;
        Ended = true;
    }

    public void Exit()
    {
        Emit(Instruction.Exit());
        Ended = true;
    }

    /// <summary>Ends the block with a conditional jump to <paramref name="target"/>; code continues in a new fall-through block.</summary>
    public void JumpIf(JumpOp op, bool wide, int left, Operand right, Block target)
    {
        Instruction template;
        var src = Vreg.None;
        if (right.IsConstant && FitsImmediate(right, wide))
            template = wide ? Instruction.Jump(op, 0, (int)right.Value, 0) : Instruction.Jump32(op, 0, (int)right.Value, 0);
        else
        {
            src = Materialize(right);
            template = wide ? Instruction.Jump(op, 0, (Register)0, 0) : Instruction.Jump32(op, 0, (Register)0, 0);
        }
        Emit(template, left, src).Target = target;
        StartBlock(Function.CreateBlock("fall"));
    }

    /// <summary>A constant that an instruction can carry as its 32-bit immediate (sign-extended to 64 bits by wide operations).</summary>
    public static bool FitsImmediate(Operand o, bool wide) =>
        o.IsConstant && (wide ? o.Value is >= int.MinValue and <= int.MaxValue : true);

    public void LoadConstant(int reg, long value, bool wide)
    {
        if (!wide)
            Emit(Instruction.Mov32(0, (int)value), reg);
        else if (value is >= int.MinValue and <= int.MaxValue)
            Emit(Instruction.Mov64(0, (int)value), reg);
        else
            Emit(Instruction.LoadImm64(0, value), reg);
    }

    /// <summary>The operand in a register (a fresh one unless it already is in one).</summary>
    public int Materialize(Operand o)
    {
        if (o.Kind == OperandKind.Register && o.Offset == 0)
            return o.Reg;
        var reg = NewVreg();
        MoveInto(reg, o);
        return reg;
    }

    /// <summary>A register holding the operand that the caller may overwrite.</summary>
    public int Writable(Operand o)
    {
        if (o.Kind == OperandKind.Register && o.Temporary && o.Offset == 0)
            return o.Reg;
        var reg = NewVreg();
        MoveInto(reg, o);
        return reg;
    }

    /// <summary>Puts the operand's value into <paramref name="reg"/> (a virtual register, or r1-r5 for a call).</summary>
    public void MoveInto(int reg, Operand o)
    {
        switch (o.Kind)
        {
            case OperandKind.Constant:
                LoadConstant(reg, o.Value, o.Wide);
                return;
            case OperandKind.Register:
                if (o.Reg != reg || o.Offset != 0)
                    Emit(Instruction.Mov64(0, (Register)0), reg, o.Reg);
                if (o.Offset != 0)
                    Emit(Instruction.Alu64(AluOp.Add, 0, o.Offset), reg);
                return;
            case OperandKind.Condition:
            {
                // Straight into the target unless it is an operand (a set-condition writes before it reads).
                var reads = o.Left!.Kind == OperandKind.Register && o.Left.Reg == reg || o.Right!.Kind == OperandKind.Register && o.Right.Reg == reg;
                var value = SetCondition(o, Vreg.IsVirtual(reg) && !reads ? reg : Vreg.None);
                if (value != reg) Emit(Instruction.Mov64(0, (Register)0), reg, value);
                return;
            }
            case OperandKind.FrameAddress:
                Emit(Instruction.Mov64(0, (Register)0), reg, Vreg.Frame);
                Emit(Instruction.Alu64(AluOp.Add, 0, o.Offset), reg);
                return;
            case OperandKind.Map:
                Emit(new MachineInstr(Instruction.LoadImm64(0, 0, LdImm64Source.None), reg) { MapRelocation = o.Map!.Name });
                return;
            case OperandKind.String:
                throw Error("EBPF005", "strings are not supported in BPF programs; use fixed-size byte buffers (a string literal may only be the argument of a compile-time constant such as Net.IPv4(\"10.0.0.1\"))");
            default:
                throw Error("EBPF060", $"the address of local '{o.Local}' is used where a value is expected");
        }
    }

    /// <summary>A comparison as 0 or 1 in a fresh register.</summary>
    public int SetCondition(Operand condition, int into = Vreg.None)
    {
        var left = Materialize(condition.Left!);
        var right = condition.Right!;
        var dst = into == Vreg.None ? NewVreg() : into;
        var wide = condition.ConditionWide;
        if (right.IsConstant && FitsImmediate(right, wide))
            Emit(new MachineInstr(wide ? Instruction.Jump(condition.Condition, 0, (int)right.Value, 1) : Instruction.Jump32(condition.Condition, 0, (int)right.Value, 1), dst, left) { IsSetCondition = true });
        else
        {
            var r = Materialize(right);
            Emit(new MachineInstr(wide ? Instruction.Jump(condition.Condition, 0, (Register)0, 1) : Instruction.Jump32(condition.Condition, 0, (Register)0, 1), dst, left) { IsSetCondition = true, Aux = r });
        }
        return dst;
    }

    /// <summary>Stores the low <paramref name="size"/> bytes of a register or constant at base + offset.</summary>
    public void Store(int size, int baseReg, short offset, Operand value)
    {
        var memSize = SizeOf(size);
        if (value.IsConstant && (size < 8 || value.Value is >= int.MinValue and <= int.MaxValue))
            Emit(Instruction.StoreImm(memSize, 0, offset, (int)value.Value), baseReg);
        else
            Emit(Instruction.StoreMem(memSize, 0, offset, 0), baseReg, Materialize(value));
    }

    /// <summary>Loads a scalar of <paramref name="type"/> from base + offset into a fresh register, extended as C# does.</summary>
    public Operand Load(Type type, int baseReg, short offset, PointerKind pointer = PointerKind.None)
    {
        var size = Layout.SizeOf(type);
        var reg = NewVreg();
        Emit(Instruction.LoadMem(SizeOf(size), 0, 0, offset), reg, baseReg);
        if (size < 4 && Layout.IsSigned(type))
            Emit(Instruction.MovSx32(0, 0, size * 8), reg, reg);
        return Operand.InRegister(reg, type, Layout.IsWide(type), temporary: true, pointer);
    }

    public static MemorySize SizeOf(int bytes) => bytes switch
    {
        1 => MemorySize.B,
        2 => MemorySize.H,
        4 => MemorySize.W,
        _ => MemorySize.DW,
    };

    /// <summary>Copies <paramref name="bytes"/> from one address to another in the widest pieces alignment allows.</summary>
    public void Copy(int dstBase, short dstOffset, int srcBase, short srcOffset, int bytes)
    {
        var done = 0;
        while (done < bytes)
        {
            var piece = bytes - done >= 8 && (dstOffset + done) % 8 == 0 && (srcOffset + done) % 8 == 0 ? 8
                : bytes - done >= 4 && (dstOffset + done) % 4 == 0 && (srcOffset + done) % 4 == 0 ? 4
                : bytes - done >= 2 && (dstOffset + done) % 2 == 0 && (srcOffset + done) % 2 == 0 ? 2 : 1;
            var t = NewVreg();
            Emit(Instruction.LoadMem(SizeOf(piece), 0, 0, (short)(srcOffset + done)), t, srcBase);
            Emit(Instruction.StoreMem(SizeOf(piece), 0, (short)(dstOffset + done), 0), dstBase, t);
            done += piece;
        }
    }

    /// <summary>Zeroes <paramref name="bytes"/> at base + offset (for a packet view's fallback: <paramref name="view"/> is its register).</summary>
    public void Zero(int baseReg, short offset, int bytes, int view = Vreg.None)
    {
        var done = 0;
        while (done < bytes)
        {
            var piece = bytes - done >= 8 && (offset + done) % 8 == 0 ? 8 : bytes - done >= 4 && (offset + done) % 4 == 0 ? 4 : bytes - done >= 2 && (offset + done) % 2 == 0 ? 2 : 1;
            Emit(new MachineInstr(Instruction.StoreImm(SizeOf(piece), 0, (short)(offset + done), 0), baseReg) { ZeroesFor = view });
            done += piece;
        }
    }
}
