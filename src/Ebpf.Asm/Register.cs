namespace Ebpf.Asm;

/// <summary>
/// The eleven BPF registers. r0 holds return values, r1-r5 arguments (clobbered by calls),
/// r6-r9 survive calls, r10 is the read-only frame pointer. The 4-bit register fields of an
/// instruction can hold 11-15 too; such values decode as-is (cast) so that bytes round-trip.
/// </summary>
public enum Register : byte
{
    R0 = 0,
    R1 = 1,
    R2 = 2,
    R3 = 3,
    R4 = 4,
    R5 = 5,
    R6 = 6,
    R7 = 7,
    R8 = 8,
    R9 = 9,
    /// <summary>The frame pointer: read-only, the stack is the 512 bytes below it.</summary>
    R10 = 10,
}

public static class Registers
{
    /// <summary>The frame pointer, r10.</summary>
    public const Register FramePointer = Register.R10;

    /// <summary>The register that holds a return value, r0.</summary>
    public const Register ReturnValue = Register.R0;
}
