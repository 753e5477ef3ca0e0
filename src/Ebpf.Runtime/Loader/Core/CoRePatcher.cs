using Ebpf.Asm;

namespace Ebpf.CoRe;

/// <summary>
/// Writes a resolved value into the instruction that carries it: the immediate of an ALU instruction, the offset
/// of a load or store (and its access size when the kernel's field has another size), or the constant of an
/// LD_IMM64. Before patching, the instruction must hold what the object's BTF says it was compiled with.
/// </summary>
public static class CoRePatcher
{
    /// <summary>The patched instruction (a poison call when the result says so); throws <see cref="BpfCoReException"/> (without program context) when it cannot be patched.</summary>
    public static Instruction Patch(Instruction ins, CoReResult r)
    {
        if (r.Poison) return CoRePoison.Instruction;
        var orig = r.OriginalValue;
        var value = r.NewValue;
        switch (ins.Class)
        {
            case InstructionClass.Alu or InstructionClass.Alu64:
                if (OpCode.SourceOf(ins.OpCode) != OperandSource.K)
                    throw new BpfCoReException($"{Describe(ins)} takes a register, not an immediate to relocate");
                if (r.Validate && (ulong)(long)ins.Imm != orig)
                    throw new BpfCoReException($"{Describe(ins)} has immediate {ins.Imm}, but the object's BTF gives {(long)orig} for {r.LocalSpec}; the instruction and its BTF disagree");
                if ((long)value is < int.MinValue or > uint.MaxValue)
                    throw new BpfCoReException($"{Describe(ins)}: the kernel's value {value} for {r.LocalSpec} does not fit a 32-bit immediate");
                return ins.WithImm((int)value);

            case InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx:
                if (r.Validate && (ulong)(long)ins.Offset != orig)
                    throw new BpfCoReException($"{Describe(ins)} has offset {ins.Offset}, but the object's BTF gives {(long)orig} for {r.LocalSpec}; the instruction and its BTF disagree");
                if (value > (ulong)short.MaxValue)
                    throw new BpfCoReException($"{Describe(ins)}: the kernel's offset {value} for {r.LocalSpec} does not fit the 16-bit offset of a load or store");
                if (r.FailMemorySizeAdjust)
                    return CoRePoison.Instruction; // the field changed size and type: any access would read garbage
                var patched = ins.WithOffset((short)value);
                if (r.NewSize != r.OriginalSize)
                {
                    var size = OpCode.Bytes(OpCode.SizeOf(ins.OpCode));
                    if (size != r.OriginalSize)
                        throw new BpfCoReException($"{Describe(ins)} accesses {size} bytes, but the field {r.LocalSpec} has {r.OriginalSize}");
                    var newSize = r.NewSize switch
                    {
                        1 => MemorySize.B, 2 => MemorySize.H, 4 => MemorySize.W, 8 => MemorySize.DW,
                        _ => throw new BpfCoReException($"{Describe(ins)}: the kernel's field {r.TargetSpec} has {r.NewSize} bytes, which no single load or store accesses"),
                    };
                    patched = patched.WithOpCode((byte)((ins.OpCode & 0xe7) | (byte)newSize)); // keep class and mode, replace size
                }
                return patched;

            case InstructionClass.Ld:
                if (!ins.IsLoadImm64 || ins.PseudoSource != LdImm64Source.None || ins.Offset != 0 || !SecondSlotClear(ins))
                    throw new BpfCoReException($"{Describe(ins)} is not a plain 64-bit constant load");
                if (r.Validate && (ulong)ins.Constant != orig)
                    throw new BpfCoReException($"{Describe(ins)} loads {ins.Constant}, but the object's BTF gives {(long)orig} for {r.LocalSpec}; the instruction and its BTF disagree");
                return ins.WithConstant((long)value);

            default:
                throw new BpfCoReException($"{Describe(ins)} is not an instruction CO-RE can relocate (ALU with an immediate, load, store or LD_IMM64)");
        }
    }

    private static bool SecondSlotClear(Instruction ins)
    {
        Span<byte> bytes = stackalloc byte[16];
        InstructionEncoder.Encode(ins, bytes);
        return bytes[8] == 0 && bytes[9] == 0 && bytes[10] == 0 && bytes[11] == 0;
    }

    private static string Describe(Instruction ins) => $"'{ins}' (opcode 0x{ins.OpCode:x2})";
}
