using System.Buffers.Binary;

namespace Ebpf.Asm;

/// <summary>Writes instructions as little-endian bytes: the exact inverse of <see cref="InstructionDecoder"/>.</summary>
public static class InstructionEncoder
{
    public static byte[] Encode(IReadOnlyList<Instruction> instructions)
    {
        int size = 0;
        for (int i = 0; i < instructions.Count; i++) size += instructions[i].Slots * InstructionDecoder.SlotSize;
        var bytes = new byte[size];
        int at = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            var ins = instructions[i];
            Encode(ins, bytes.AsSpan(at));
            at += ins.Slots * InstructionDecoder.SlotSize;
        }
        return bytes;
    }

    /// <summary>Writes one instruction (8 bytes, 16 for LD_IMM64) at the start of <paramref name="destination"/>.</summary>
    public static void Encode(in Instruction instruction, Span<byte> destination)
    {
        int size = instruction.Slots * InstructionDecoder.SlotSize;
        if (destination.Length < size)
            throw new ArgumentException($"instruction needs {size} bytes, destination has {destination.Length}", nameof(destination));
        destination[0] = instruction.OpCode;
        destination[1] = instruction.RawRegs;
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], instruction.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], instruction.Imm);
        if (instruction.IsLoadImm64)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], instruction.Slot2Head);
            BinaryPrimitives.WriteInt32LittleEndian(destination[12..], instruction.ImmHigh);
        }
    }
}
