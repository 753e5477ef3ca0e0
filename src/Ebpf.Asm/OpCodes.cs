namespace Ebpf.Asm;

/// <summary>The low three bits of every opcode.</summary>
public enum InstructionClass : byte
{
    Ld = 0x00,
    Ldx = 0x01,
    St = 0x02,
    Stx = 0x03,
    Alu = 0x04,
    Jmp = 0x05,
    Jmp32 = 0x06,
    Alu64 = 0x07,
}

/// <summary>Access width of loads and stores (bits 3-4 of the opcode).</summary>
public enum MemorySize : byte
{
    W = 0x00,
    H = 0x08,
    B = 0x10,
    DW = 0x18,
}

/// <summary>Addressing mode of loads and stores (bits 5-7 of the opcode).</summary>
public enum MemoryMode : byte
{
    Imm = 0x00,
    Abs = 0x20,
    Ind = 0x40,
    Mem = 0x60,
    /// <summary>Sign-extending load (cpu v4).</summary>
    MemSx = 0x80,
    Atomic = 0xc0,
}

/// <summary>Operand source bit of ALU and jump opcodes: the immediate or the src register.</summary>
public enum OperandSource : byte
{
    K = 0x00,
    X = 0x08,
}

/// <summary>ALU operation (bits 4-7 of the opcode).</summary>
public enum AluOp : byte
{
    Add = 0x00,
    Sub = 0x10,
    Mul = 0x20,
    /// <summary>Unsigned division; with offset 1, signed (cpu v4).</summary>
    Div = 0x30,
    Or = 0x40,
    And = 0x50,
    Lsh = 0x60,
    Rsh = 0x70,
    Neg = 0x80,
    /// <summary>Unsigned modulo; with offset 1, signed (cpu v4).</summary>
    Mod = 0x90,
    Xor = 0xa0,
    /// <summary>Move; with offset 8/16/32 and a register source, a sign-extending move (cpu v4).</summary>
    Mov = 0xb0,
    Arsh = 0xc0,
    /// <summary>Byte swap: the source bit selects le/be in ALU, ALU64 with K is bswap (cpu v4).</summary>
    End = 0xd0,
}

/// <summary>Jump operation (bits 4-7 of the opcode).</summary>
public enum JumpOp : byte
{
    Ja = 0x00,
    Jeq = 0x10,
    Jgt = 0x20,
    Jge = 0x30,
    Jset = 0x40,
    Jne = 0x50,
    Jsgt = 0x60,
    Jsge = 0x70,
    Call = 0x80,
    Exit = 0x90,
    Jlt = 0xa0,
    Jle = 0xb0,
    Jslt = 0xc0,
    Jsle = 0xd0,
    /// <summary>may_goto (kernel 6.9+).</summary>
    Jcond = 0xe0,
}

/// <summary>The imm field of an atomic (STX | ATOMIC) instruction.</summary>
public enum AtomicOp : int
{
    Add = 0x00,
    Or = 0x40,
    And = 0x50,
    Xor = 0xa0,
    /// <summary>Flag: the old value is returned in the src register.</summary>
    Fetch = 0x01,
#pragma warning disable CA1069 // BPF_ADD | BPF_FETCH is 0x01, BPF_FETCH's own value: both names are the ISA's.
    FetchAdd = Add | Fetch,
#pragma warning restore CA1069
    FetchOr = Or | Fetch,
    FetchAnd = And | Fetch,
    FetchXor = Xor | Fetch,
    Xchg = 0xe0 | Fetch,
    Cmpxchg = 0xf0 | Fetch,
    /// <summary>Load-acquire (kernel 6.15+).</summary>
    LoadAcquire = 0x100,
    /// <summary>Store-release (kernel 6.15+).</summary>
    StoreRelease = 0x110,
}

/// <summary>The src field of a call instruction.</summary>
public enum CallKind : byte
{
    Helper = 0,
    /// <summary>BPF-to-BPF call: imm is the target's offset in instructions, relative to the next one.</summary>
    Pseudo = 1,
    /// <summary>Kernel function: imm is a BTF id.</summary>
    Kfunc = 2,
}

/// <summary>The src field of an LD_IMM64 instruction: what the loader turns the immediate into.</summary>
public enum LdImm64Source : byte
{
    None = 0,
    MapFd = 1,
    MapValue = 2,
    BtfId = 3,
    Func = 4,
    MapIdx = 5,
    MapIdxValue = 6,
}

/// <summary>Composes and splits opcode bytes.</summary>
public static class OpCode
{
    public const byte LdImm64 = (byte)InstructionClass.Ld | (byte)MemorySize.DW | (byte)MemoryMode.Imm; // 0x18
    public const byte Call = (byte)InstructionClass.Jmp | (byte)JumpOp.Call; // 0x85
    public const byte Exit = (byte)InstructionClass.Jmp | (byte)JumpOp.Exit; // 0x95
    public const byte Ja = (byte)InstructionClass.Jmp | (byte)JumpOp.Ja; // 0x05
    public const byte Gotol = (byte)InstructionClass.Jmp32 | (byte)JumpOp.Ja; // 0x06

    public static InstructionClass ClassOf(byte op) => (InstructionClass)(op & 0x07);
    public static MemorySize SizeOf(byte op) => (MemorySize)(op & 0x18);
    public static MemoryMode ModeOf(byte op) => (MemoryMode)(op & 0xe0);
    public static OperandSource SourceOf(byte op) => (OperandSource)(op & 0x08);
    public static AluOp AluOpOf(byte op) => (AluOp)(op & 0xf0);
    public static JumpOp JumpOpOf(byte op) => (JumpOp)(op & 0xf0);

    public static bool IsAlu(InstructionClass c) => c is InstructionClass.Alu or InstructionClass.Alu64;
    public static bool IsJump(InstructionClass c) => c is InstructionClass.Jmp or InstructionClass.Jmp32;
    public static bool IsLoadStore(InstructionClass c) => c is InstructionClass.Ld or InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx;

    public static byte Alu(InstructionClass cls, AluOp op, OperandSource source) =>
        IsAlu(cls) ? (byte)((byte)cls | (byte)op | (byte)source) : throw new ArgumentOutOfRangeException(nameof(cls), cls, "not an ALU class");

    public static byte Jump(InstructionClass cls, JumpOp op, OperandSource source) =>
        IsJump(cls) ? (byte)((byte)cls | (byte)op | (byte)source) : throw new ArgumentOutOfRangeException(nameof(cls), cls, "not a jump class");

    public static byte Memory(InstructionClass cls, MemoryMode mode, MemorySize size) =>
        IsLoadStore(cls) ? (byte)((byte)cls | (byte)mode | (byte)size) : throw new ArgumentOutOfRangeException(nameof(cls), cls, "not a load/store class");

    /// <summary>Bytes accessed by a load or store of this size.</summary>
    public static int Bytes(MemorySize size) => size switch
    {
        MemorySize.B => 1,
        MemorySize.H => 2,
        MemorySize.W => 4,
        _ => 8,
    };
}
