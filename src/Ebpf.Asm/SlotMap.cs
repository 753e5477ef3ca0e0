namespace Ebpf.Asm;

/// <summary>
/// Maps between instruction indices and 8-byte slot indices. They differ after each LD_IMM64,
/// which takes two slots; relocations and jump offsets count slots, lists count instructions.
/// </summary>
public sealed class SlotMap
{
    private readonly int[] _slotOfIndex;
    private readonly int[] _indexOfSlot; // -1 for the second slot of an LD_IMM64

    internal SlotMap(int[] slotOfIndex, int slotCount)
    {
        _slotOfIndex = slotOfIndex;
        _indexOfSlot = new int[slotCount];
        Array.Fill(_indexOfSlot, -1);
        for (int i = 0; i < slotOfIndex.Length; i++) _indexOfSlot[slotOfIndex[i]] = i;
    }

    public static SlotMap For(IReadOnlyList<Instruction> instructions)
    {
        var slotOf = new int[instructions.Count];
        int slot = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            slotOf[i] = slot;
            slot += instructions[i].Slots;
        }
        return new SlotMap(slotOf, slot);
    }

    /// <summary>Number of instructions.</summary>
    public int Count => _slotOfIndex.Length;

    /// <summary>Number of 8-byte slots.</summary>
    public int SlotCount => _indexOfSlot.Length;

    /// <summary>Slot index where instruction <paramref name="index"/> starts.</summary>
    public int SlotOf(int index) => (uint)index < (uint)_slotOfIndex.Length
        ? _slotOfIndex[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {_slotOfIndex.Length} instructions");

    /// <summary>Index of the instruction starting at <paramref name="slot"/>, or -1 if the slot is the second half of an LD_IMM64.</summary>
    public int IndexOfSlot(int slot) => (uint)slot < (uint)_indexOfSlot.Length
        ? _indexOfSlot[slot]
        : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"there are {_indexOfSlot.Length} slots");

    /// <summary>Index of the instruction starting at byte <paramref name="byteOffset"/>; throws if the offset is not the start of an instruction.</summary>
    public int IndexOfByteOffset(long byteOffset)
    {
        if (byteOffset < 0 || byteOffset % InstructionDecoder.SlotSize != 0 || byteOffset / InstructionDecoder.SlotSize >= _indexOfSlot.Length)
            throw new InvalidInstructionException($"byte offset {byteOffset} is not the start of an instruction slot in {_indexOfSlot.Length * InstructionDecoder.SlotSize} bytes of code", byteOffset);
        int index = _indexOfSlot[byteOffset / InstructionDecoder.SlotSize];
        if (index < 0)
            throw new InvalidInstructionException($"byte offset {byteOffset} is the second half of an LD_IMM64, not the start of an instruction", byteOffset);
        return index;
    }

    public bool TryGetIndexOfByteOffset(long byteOffset, out int index)
    {
        index = -1;
        if (byteOffset < 0 || byteOffset % InstructionDecoder.SlotSize != 0 || byteOffset / InstructionDecoder.SlotSize >= _indexOfSlot.Length) return false;
        index = _indexOfSlot[byteOffset / InstructionDecoder.SlotSize];
        return index >= 0;
    }
}
