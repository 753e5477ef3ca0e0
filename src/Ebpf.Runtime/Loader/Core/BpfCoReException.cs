namespace Ebpf.CoRe;

/// <summary>
/// A CO-RE relocation could not be applied at all (a malformed record, an ambiguous match, an instruction that does not
/// hold what the object's BTF says it should). A field or type merely missing from the kernel is not this: such an
/// instruction is poisoned instead, and only a program that reaches it is refused, by the verifier.
/// </summary>
public sealed class BpfCoReException : BpfLoadException
{
    /// <summary>Creates the exception with a message naming the relocation and why it failed.</summary>
    public BpfCoReException(string message, Exception? inner = null) : base(message, inner) { }

    internal BpfCoReException(string program, int relocation, int instruction, string message, Exception? inner = null)
        : base($"program '{program}': CO-RE relocation #{relocation} at instruction {instruction}: {message}", inner)
    {
        Program = program; Relocation = relocation; Instruction = instruction;
    }

    /// <summary>The program being relocated, when known.</summary>
    public string? Program { get; }

    /// <summary>Index of the record among the program's CO-RE relocations (libbpf's "relo #N").</summary>
    public int? Relocation { get; }

    /// <summary>Slot of the instruction the record patches.</summary>
    public int? Instruction { get; }
}
