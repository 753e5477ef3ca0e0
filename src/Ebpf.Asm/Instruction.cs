namespace Ebpf.Asm;

/// <summary>
/// One BPF instruction: an 8-byte slot, or for LD_IMM64 two slots holding a 64-bit constant.
/// Immutable; the <c>With...</c> methods return modified copies (relocation uses them).
/// </summary>
public readonly partial struct Instruction : IEquatable<Instruction>
{
    private readonly byte _opCode;
    private readonly byte _regs;      // dst in the low nibble, src in the high nibble (little-endian layout)
    private readonly short _offset;
    private readonly int _imm;
    private readonly int _immHigh;    // LD_IMM64: imm of the second slot
    private readonly uint _slot2Head; // LD_IMM64: opcode, regs and offset of the second slot (zero in valid code), kept so bytes round-trip

    public Instruction(byte opCode, Register dst, Register src, short offset, int imm)
        : this(opCode, PackRegs(dst, src), offset, imm, 0, 0)
    {
    }

    internal Instruction(byte opCode, byte regs, short offset, int imm, int immHigh, uint slot2Head)
    {
        _opCode = opCode;
        _regs = regs;
        _offset = offset;
        _imm = imm;
        bool wide = opCode == Asm.OpCode.LdImm64;
        _immHigh = wide ? immHigh : 0;
        _slot2Head = wide ? slot2Head : 0;
    }

    public byte OpCode => _opCode;
    public Register Dst => (Register)(_regs & 0x0f);
    public Register Src => (Register)(_regs >> 4);
    public short Offset => _offset;

    /// <summary>The 32-bit immediate of the (first) slot.</summary>
    public int Imm => _imm;

    /// <summary>For LD_IMM64 the whole 64-bit immediate (low half from the first slot, high from the second); otherwise <see cref="Imm"/> sign-extended.</summary>
    public long Constant => IsLoadImm64 ? (long)(((ulong)(uint)_immHigh << 32) | (uint)_imm) : _imm;

    internal byte RawRegs => _regs;
    internal int ImmHigh => _immHigh;
    internal uint Slot2Head => _slot2Head;

    public InstructionClass Class => (InstructionClass)(_opCode & 0x07);

    /// <summary>LD_IMM64: the one instruction that takes two slots.</summary>
    public bool IsLoadImm64 => _opCode == Asm.OpCode.LdImm64;

    /// <summary>1, or 2 for LD_IMM64.</summary>
    public int Slots => IsLoadImm64 ? 2 : 1;

    /// <summary>For LD_IMM64, what the src field asks the loader to put in the immediate.</summary>
    public LdImm64Source PseudoSource => IsLoadImm64 ? (LdImm64Source)(_regs >> 4) : LdImm64Source.None;

    public bool IsExit => _opCode == Asm.OpCode.Exit;
    public bool IsCall => _opCode == Asm.OpCode.Call;
    public bool IsHelperCall => IsCall && Src == (Register)CallKind.Helper;
    public bool IsPseudoCall => IsCall && Src == (Register)CallKind.Pseudo;
    public bool IsKfuncCall => IsCall && Src == (Register)CallKind.Kfunc;

    /// <summary>A branch with a target inside the program: goto, gotol, may_goto or a conditional jump (not call or exit).</summary>
    public bool IsJump
    {
        get
        {
            var cls = Class;
            if (cls is not (InstructionClass.Jmp or InstructionClass.Jmp32)) return false;
            var op = (JumpOp)(_opCode & 0xf0);
            return op is not (JumpOp.Call or JumpOp.Exit);
        }
    }

    /// <summary>A jump taken only when its condition holds.</summary>
    public bool IsConditionalJump => IsJump && (JumpOp)(_opCode & 0xf0) is not (JumpOp.Ja or JumpOp.Jcond);

    /// <summary>Branch distance in instructions (slots), relative to the next one: imm for gotol, offset otherwise.</summary>
    public int JumpOffset => _opCode == Asm.OpCode.Gotol ? _imm : _offset;

    public Instruction WithImm(int imm) => new(_opCode, _regs, _offset, imm, _immHigh, _slot2Head);

    /// <summary>Sets the full constant of an LD_IMM64; other instructions take only values that fit a signed 32-bit imm.</summary>
    public Instruction WithConstant(long constant)
    {
        if (IsLoadImm64) return new(_opCode, _regs, _offset, (int)constant, (int)(constant >> 32), _slot2Head);
        if (constant is < int.MinValue or > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(constant), constant, $"only LD_IMM64 holds a 64-bit constant; opcode 0x{_opCode:x2} has a signed 32-bit imm");
        return WithImm((int)constant);
    }

    public Instruction WithOffset(short offset) => new(_opCode, _regs, offset, _imm, _immHigh, _slot2Head);
    public Instruction WithSrc(Register src) => new(_opCode, PackRegs(Dst, src), _offset, _imm, _immHigh, _slot2Head);
    public Instruction WithDst(Register dst) => new(_opCode, PackRegs(dst, Src), _offset, _imm, _immHigh, _slot2Head);
    public Instruction WithPseudoSource(LdImm64Source source) => WithSrc((Register)source);
    public Instruction WithOpCode(byte opCode) => new(opCode, _regs, _offset, _imm, _immHigh, _slot2Head);

    internal static byte PackRegs(Register dst, Register src)
    {
        if ((byte)dst > 15) throw new ArgumentOutOfRangeException(nameof(dst), dst, "a register field has 4 bits");
        if ((byte)src > 15) throw new ArgumentOutOfRangeException(nameof(src), src, "a register field has 4 bits");
        return (byte)((byte)dst | ((byte)src << 4));
    }

    public bool Equals(Instruction other) =>
        _opCode == other._opCode && _regs == other._regs && _offset == other._offset && _imm == other._imm
        && _immHigh == other._immHigh && _slot2Head == other._slot2Head;

    public override bool Equals(object? obj) => obj is Instruction other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_opCode, _regs, _offset, _imm, _immHigh, _slot2Head);
    public static bool operator ==(Instruction left, Instruction right) => left.Equals(right);
    public static bool operator !=(Instruction left, Instruction right) => !left.Equals(right);

    /// <summary>The llvm-objdump text of this instruction.</summary>
    public override string ToString() => Disassembler.Format(this);
}
