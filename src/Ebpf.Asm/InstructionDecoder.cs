using System.Buffers.Binary;

namespace Ebpf.Asm;

/// <summary>Splits little-endian bytes into instructions. Unknown opcodes decode; only bytes that cannot be split throw.</summary>
public static class InstructionDecoder
{
    public const int SlotSize = 8;

    public static Instruction[] Decode(ReadOnlySpan<byte> bytes) => Decode(bytes, out _);

    /// <summary>Decodes and also returns the map between slot and instruction indices (relocations name byte offsets).</summary>
    public static Instruction[] Decode(ReadOnlySpan<byte> bytes, out SlotMap slots)
    {
        if (bytes.Length % SlotSize != 0)
            throw new InvalidInstructionException(
                $"BPF code is {bytes.Length} bytes long, not a multiple of {SlotSize}: the last {bytes.Length % SlotSize} bytes at offset {bytes.Length - bytes.Length % SlotSize} are not a whole instruction",
                bytes.Length - bytes.Length % SlotSize);

        int slotCount = bytes.Length / SlotSize;
        var result = new List<Instruction>(slotCount);
        var slotOfIndex = new List<int>(slotCount);
        int slot = 0;
        while (slot < slotCount)
        {
            var ins = DecodeOne(bytes[(slot * SlotSize)..], slot * SlotSize);
            result.Add(ins);
            slotOfIndex.Add(slot);
            slot += ins.Slots;
        }
        slots = new SlotMap(slotOfIndex.ToArray(), slotCount);
        return result.ToArray();
    }

    /// <summary>Decodes the instruction at the start of <paramref name="bytes"/> (8 bytes, or 16 for LD_IMM64).</summary>
    public static Instruction DecodeOne(ReadOnlySpan<byte> bytes) => DecodeOne(bytes, 0);

    private static Instruction DecodeOne(ReadOnlySpan<byte> bytes, long byteOffset)
    {
        if (bytes.Length < SlotSize)
            throw new InvalidInstructionException($"truncated instruction at byte offset {byteOffset}: {bytes.Length} of {SlotSize} bytes", byteOffset);

        byte op = bytes[0];
        byte regs = bytes[1];
        short offset = BinaryPrimitives.ReadInt16LittleEndian(bytes[2..]);
        int imm = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        if (op != OpCode.LdImm64)
            return new Instruction(op, regs, offset, imm, 0, 0);

        if (bytes.Length < 2 * SlotSize)
            throw new InvalidInstructionException(
                $"LD_IMM64 at byte offset {byteOffset} (instruction slot {byteOffset / SlotSize}) has no second slot: the code ends after its first 8 bytes", byteOffset);
        uint head = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        int high = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        return new Instruction(op, regs, offset, imm, high, head);
    }
}
