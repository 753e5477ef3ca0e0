namespace Ebpf.Asm;

/// <summary>
/// Bytes that cannot be split into instructions at all: a length that is not a multiple of
/// eight, or an LD_IMM64 whose second slot is missing. Unknown opcodes are not an error.
/// </summary>
public class InvalidInstructionException : BpfException
{
    public InvalidInstructionException(string message, long byteOffset) : base(message)
    {
        ByteOffset = byteOffset;
    }

    /// <summary>Offset, in bytes from the start of the decoded buffer, where the problem is.</summary>
    public long ByteOffset { get; }
}
