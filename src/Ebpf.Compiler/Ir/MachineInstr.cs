using Ebpf.Asm;

namespace Ebpf.Compiler.Ir;

/// <summary>
/// One BPF instruction over virtual registers: the opcode, offset and immediate are final, the registers are numbers that
/// the allocator maps to r0-r9 (numbers below <see cref="Vreg.First"/> are physical registers, fixed by the calling
/// convention). Jumps name their target block; the emitter turns that into an offset.
/// </summary>
internal sealed class MachineInstr
{
    public MachineInstr(Instruction template, int dst = Vreg.None, int src = Vreg.None)
    {
        Template = template;
        Dst = dst;
        Src = src;
    }

    public Instruction Template { get; set; }
    public int Dst { get; set; }
    public int Src { get; set; }

    /// <summary>For a conditional jump: where it goes when taken (the fall-through is the next instruction or block).</summary>
    public Block? Target { get; set; }

    /// <summary>Helper calls: how many of r1-r5 the call reads.</summary>
    public int CallArguments { get; init; }

    /// <summary>A [Map] field whose symbol this LD_IMM64 is relocated against.</summary>
    public string? MapRelocation { get; init; }

    /// <summary>A global variable (a static field of the program's class) this LD_IMM64 addresses.</summary>
    public string? GlobalVariable { get; init; }

    /// <summary>A CO-RE relocation of this instruction's offset or immediate (a kernel type's field offset, size, existence...).</summary>
    public CoreRelocation? Core { get; init; }

    /// <summary>A [Kfunc] method this call calls, or whose symbol this LD_IMM64 loads (Kfunc.Exists): relocated against its undefined symbol.</summary>
    public System.Reflection.MethodInfo? Kfunc { get; init; }

    /// <summary>Constant bytes this LD_IMM64 addresses (a printk format, a u8 literal): the writer puts them in .rodata.</summary>
    public byte[]? ConstantData { get; init; }

    /// <summary>
    /// Materialises a comparison as 0 or 1: the template is the conditional jump (Src compared with Aux or the
    /// immediate), expanded after allocation to mov, jump, mov. Its destination is written before the operands are
    /// read, so it must not share their registers.
    /// </summary>
    public bool IsSetCondition { get; init; }

    public SourceLocation? Location { get; set; }

    /// <summary>A be16 whose input has nothing above bit 15: compared only for equality with constants, it can go and the constants swap instead.</summary>
    public bool SwapsSixteenBits { get; init; }

    /// <summary>A store that zeroes the fallback bytes of a packet view held in this register: useless once nothing sets the view here.</summary>
    public int ZeroesFor { get; init; } = Vreg.None;

    public bool IsCall => Template.IsCall;
    public bool IsExit => Template.IsExit;
    public bool IsJump => Template.IsJump && !Template.IsCall && !Template.IsExit && !IsSetCondition;
    public bool IsUnconditionalJump => Template.OpCode == Asm.OpCode.Ja;

    /// <summary>A register-to-register 64-bit copy: the allocator tries to give both sides one register.</summary>
    public bool IsCopy => Template.OpCode == Asm.OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.X) && Template.Offset == 0 && !IsSetCondition;

    private InstructionClass Class => Template.Class;
    private bool SourceIsRegister => (Template.OpCode & (byte)OperandSource.X) != 0;

    /// <summary>The registers this instruction reads.</summary>
    public void Uses(List<int> into)
    {
        into.Clear();
        if (IsCall)
        {
            for (var r = 1; r <= CallArguments; r++) into.Add(r);
            return;
        }
        if (IsExit) { into.Add(0); return; }
        if (IsSetCondition) { into.Add(Src); if (Aux != Vreg.None) into.Add(Aux); return; }
        if (Template.IsLoadImm64) return;
        switch (Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
            {
                var op = (AluOp)(Template.OpCode & 0xf0);
                if (op != AluOp.Mov) into.Add(Dst);
                if (SourceIsRegister && op is not (AluOp.End or AluOp.Neg)) into.Add(Src);
                return;
            }
            case InstructionClass.Ldx:
                into.Add(Src);
                return;
            case InstructionClass.St:
                into.Add(Dst);
                return;
            case InstructionClass.Stx:
                into.Add(Dst);
                into.Add(Src);
                if ((Template.OpCode & 0xe0) == (byte)MemoryMode.Atomic && Template.Imm == (int)AtomicOp.Cmpxchg) into.Add(0);
                return;
            case InstructionClass.Jmp or InstructionClass.Jmp32:
                if (IsUnconditionalJump) return;
                into.Add(Dst);
                if (SourceIsRegister) into.Add(Src);
                return;
        }
    }

    /// <summary>The registers this instruction writes (calls: r0 and the clobbered r1-r5).</summary>
    public void Defs(List<int> into)
    {
        into.Clear();
        if (IsCall)
        {
            for (var r = 0; r <= 5; r++) into.Add(r);
            return;
        }
        if (Template.IsLoadImm64 || IsSetCondition) { into.Add(Dst); return; }
        switch (Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Ldx:
                into.Add(Dst);
                return;
            case InstructionClass.Stx when (Template.OpCode & 0xe0) == (byte)MemoryMode.Atomic:
                if (Template.Imm == (int)AtomicOp.Cmpxchg) into.Add(0);
                else if ((Template.Imm & (int)AtomicOp.Fetch) != 0) into.Add(Src);
                return;
        }
    }

    /// <summary>The second operand of a set-condition (a register), or <see cref="Vreg.None"/> when it compares with the immediate.</summary>
    public int Aux { get; set; } = Vreg.None;

    public override string ToString() =>
        $"{(IsSetCondition ? "setcc " : "")}{Template} [d={Vreg.Name(Dst)} s={Vreg.Name(Src)}{(Aux != Vreg.None ? " a=" + Vreg.Name(Aux) : "")}]{(Target is null ? "" : " -> " + Target)}";
}

/// <summary>
/// What the loader recomputes for the kernel: <paramref name="Kind"/> of the member path <paramref name="Access"/> ("0:3:1")
/// from <paramref name="Root"/>, a kernel type (or an enum for the enum kinds).
/// </summary>
internal sealed record CoreRelocation(Type Root, string Access, Ebpf.Object.Btf.BtfCoreRelocationKind Kind);

/// <summary>Register numbering: 0-10 are r0-r10, virtual registers start at 16.</summary>
internal static class Vreg
{
    public const int None = -1;
    public const int First = 16;
    public const int Frame = 10;

    public static bool IsVirtual(int r) => r >= First;
    public static string Name(int r) => r switch { None => "-", < First => "r" + r, _ => "v" + r };
}
