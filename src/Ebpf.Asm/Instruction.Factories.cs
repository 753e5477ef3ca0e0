namespace Ebpf.Asm;

// Assembler helpers: one factory per instruction form, named after the operation.
public readonly partial struct Instruction
{
    private static Instruction Make(byte op, Register dst, Register src, short offset, int imm) => new(op, dst, src, offset, imm);

    // ---- ALU ----
    public static Instruction Alu64(AluOp op, Register dst, int imm) => Make(Asm.OpCode.Alu(InstructionClass.Alu64, op, OperandSource.K), dst, 0, 0, imm);
    public static Instruction Alu64(AluOp op, Register dst, Register src) => Make(Asm.OpCode.Alu(InstructionClass.Alu64, op, OperandSource.X), dst, src, 0, 0);
    public static Instruction Alu32(AluOp op, Register dst, int imm) => Make(Asm.OpCode.Alu(InstructionClass.Alu, op, OperandSource.K), dst, 0, 0, imm);
    public static Instruction Alu32(AluOp op, Register dst, Register src) => Make(Asm.OpCode.Alu(InstructionClass.Alu, op, OperandSource.X), dst, src, 0, 0);

    /// <summary>Signed division or modulo (cpu v4): DIV/MOD with offset 1.</summary>
    public static Instruction SignedAlu64(AluOp op, Register dst, Register src) => SignedOp(op, Alu64(op, dst, src));
    public static Instruction SignedAlu64(AluOp op, Register dst, int imm) => SignedOp(op, Alu64(op, dst, imm));
    public static Instruction SignedAlu32(AluOp op, Register dst, Register src) => SignedOp(op, Alu32(op, dst, src));
    public static Instruction SignedAlu32(AluOp op, Register dst, int imm) => SignedOp(op, Alu32(op, dst, imm));

    private static Instruction SignedOp(AluOp op, Instruction ins) =>
        op is AluOp.Div or AluOp.Mod ? ins.WithOffset(1) : throw new ArgumentOutOfRangeException(nameof(op), op, "only div and mod have signed forms");

    public static Instruction Mov64(Register dst, int imm) => Alu64(AluOp.Mov, dst, imm);
    public static Instruction Mov64(Register dst, Register src) => Alu64(AluOp.Mov, dst, src);
    public static Instruction Mov32(Register dst, int imm) => Alu32(AluOp.Mov, dst, imm);
    public static Instruction Mov32(Register dst, Register src) => Alu32(AluOp.Mov, dst, src);

    /// <summary>Sign-extending move (cpu v4): 64-bit from 8, 16 or 32 bits.</summary>
    public static Instruction MovSx64(Register dst, Register src, int fromBits) =>
        fromBits is 8 or 16 or 32 ? Mov64(dst, src).WithOffset((short)fromBits) : throw new ArgumentOutOfRangeException(nameof(fromBits), fromBits, "8, 16 or 32");

    /// <summary>Sign-extending move (cpu v4): 32-bit from 8 or 16 bits.</summary>
    public static Instruction MovSx32(Register dst, Register src, int fromBits) =>
        fromBits is 8 or 16 ? Mov32(dst, src).WithOffset((short)fromBits) : throw new ArgumentOutOfRangeException(nameof(fromBits), fromBits, "8 or 16");

    public static Instruction Neg64(Register dst) => Make(Asm.OpCode.Alu(InstructionClass.Alu64, AluOp.Neg, OperandSource.K), dst, 0, 0, 0);
    public static Instruction Neg32(Register dst) => Make(Asm.OpCode.Alu(InstructionClass.Alu, AluOp.Neg, OperandSource.K), dst, 0, 0, 0);

    /// <summary>Convert to little-endian (le16/le32/le64): a no-op or truncation on little-endian hosts.</summary>
    public static Instruction ToLittleEndian(Register dst, int bits) => Make(Asm.OpCode.Alu(InstructionClass.Alu, AluOp.End, OperandSource.K), dst, 0, 0, SwapBits(bits));

    /// <summary>Convert to big-endian (be16/be32/be64).</summary>
    public static Instruction ToBigEndian(Register dst, int bits) => Make(Asm.OpCode.Alu(InstructionClass.Alu, AluOp.End, OperandSource.X), dst, 0, 0, SwapBits(bits));

    /// <summary>Unconditional byte swap (cpu v4 bswap16/32/64).</summary>
    public static Instruction ByteSwap(Register dst, int bits) => Make(Asm.OpCode.Alu(InstructionClass.Alu64, AluOp.End, OperandSource.K), dst, 0, 0, SwapBits(bits));

    private static int SwapBits(int bits) => bits is 16 or 32 or 64 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "16, 32 or 64");

    // ---- loads and stores ----
    /// <summary><c>dst = *(size *)(src + offset)</c></summary>
    public static Instruction LoadMem(MemorySize size, Register dst, Register src, short offset) =>
        Make(Asm.OpCode.Memory(InstructionClass.Ldx, MemoryMode.Mem, size), dst, src, offset, 0);

    /// <summary><c>dst = *(s8/s16/s32 *)(src + offset)</c>, sign-extending (cpu v4).</summary>
    public static Instruction LoadMemSx(MemorySize size, Register dst, Register src, short offset) =>
        size != MemorySize.DW ? Make(Asm.OpCode.Memory(InstructionClass.Ldx, MemoryMode.MemSx, size), dst, src, offset, 0)
        : throw new ArgumentOutOfRangeException(nameof(size), size, "a sign-extending load is 1, 2 or 4 bytes");

    /// <summary><c>*(size *)(dst + offset) = src</c></summary>
    public static Instruction StoreMem(MemorySize size, Register dst, short offset, Register src) =>
        Make(Asm.OpCode.Memory(InstructionClass.Stx, MemoryMode.Mem, size), dst, src, offset, 0);

    /// <summary><c>*(size *)(dst + offset) = imm</c></summary>
    public static Instruction StoreImm(MemorySize size, Register dst, short offset, int imm) =>
        Make(Asm.OpCode.Memory(InstructionClass.St, MemoryMode.Mem, size), dst, 0, offset, imm);

    /// <summary>Atomic read-modify-write on <c>*(size *)(dst + offset)</c> with src (cmpxchg compares with r0).</summary>
    public static Instruction Atomic(MemorySize size, AtomicOp op, Register dst, short offset, Register src) =>
        Make(Asm.OpCode.Memory(InstructionClass.Stx, MemoryMode.Atomic, size), dst, src, offset, (int)op);

    /// <summary>Legacy packet load <c>r0 = *(size *)skb[imm]</c>.</summary>
    public static Instruction LoadAbs(MemorySize size, int imm) => Make(Asm.OpCode.Memory(InstructionClass.Ld, MemoryMode.Abs, size), 0, 0, 0, imm);

    /// <summary>Legacy packet load <c>r0 = *(size *)skb[src + imm]</c>.</summary>
    public static Instruction LoadInd(MemorySize size, Register src, int imm) => Make(Asm.OpCode.Memory(InstructionClass.Ld, MemoryMode.Ind, size), 0, src, 0, imm);

    /// <summary>LD_IMM64: <c>dst = constant ll</c>, or with a pseudo source a value the loader fills in.</summary>
    public static Instruction LoadImm64(Register dst, long constant, LdImm64Source source = LdImm64Source.None) =>
        new(Asm.OpCode.LdImm64, PackRegs(dst, (Register)source), 0, (int)constant, (int)(constant >> 32), 0);

    /// <summary>LD_IMM64 of a map file descriptor (src 1).</summary>
    public static Instruction LoadMapFd(Register dst, int fd) => LoadImm64(dst, (uint)fd, LdImm64Source.MapFd);

    /// <summary>LD_IMM64 of the address of a map's value at <paramref name="offset"/> (src 2): fd in the low half, offset in the high half.</summary>
    public static Instruction LoadMapValue(Register dst, int fd, int offset) => LoadImm64(dst, (long)(((ulong)(uint)offset << 32) | (uint)fd), LdImm64Source.MapValue);

    // ---- jumps and calls ----
    public static Instruction Jump(JumpOp op, Register dst, int imm, short offset) => Make(Asm.OpCode.Jump(InstructionClass.Jmp, op, OperandSource.K), dst, 0, offset, imm);
    public static Instruction Jump(JumpOp op, Register dst, Register src, short offset) => Make(Asm.OpCode.Jump(InstructionClass.Jmp, op, OperandSource.X), dst, src, offset, 0);
    public static Instruction Jump32(JumpOp op, Register dst, int imm, short offset) => Make(Asm.OpCode.Jump(InstructionClass.Jmp32, op, OperandSource.K), dst, 0, offset, imm);
    public static Instruction Jump32(JumpOp op, Register dst, Register src, short offset) => Make(Asm.OpCode.Jump(InstructionClass.Jmp32, op, OperandSource.X), dst, src, offset, 0);

    /// <summary><c>goto +offset</c></summary>
    public static Instruction Goto(short offset) => Make(Asm.OpCode.Ja, 0, 0, offset, 0);

    /// <summary><c>gotol +offset</c> with a 32-bit distance (cpu v4).</summary>
    public static Instruction GotoLong(int offset) => Make(Asm.OpCode.Gotol, 0, 0, 0, offset);

    /// <summary><c>may_goto +offset</c> (kernel 6.9+).</summary>
    public static Instruction MayGoto(short offset) => Make(Asm.OpCode.Jump(InstructionClass.Jmp, JumpOp.Jcond, OperandSource.K), 0, 0, offset, 0);

    public static Instruction CallHelper(int helperId) => Make(Asm.OpCode.Call, 0, (Register)CallKind.Helper, 0, helperId);

    /// <summary>BPF-to-BPF call; <paramref name="offset"/> is in instructions relative to the next one (-1 before relocation).</summary>
    public static Instruction CallPseudo(int offset) => Make(Asm.OpCode.Call, 0, (Register)CallKind.Pseudo, 0, offset);

    public static Instruction CallKfunc(int btfId, short btfFdIndex = 0) => Make(Asm.OpCode.Call, 0, (Register)CallKind.Kfunc, btfFdIndex, btfId);

    public static Instruction Exit() => Make(Asm.OpCode.Exit, 0, 0, 0, 0);
}
