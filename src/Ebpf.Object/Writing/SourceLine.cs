namespace Ebpf.Object.Writing;

/// <summary>
/// A line_info record: the instruction at <paramref name="InstructionIndex"/> (an index into the function's instruction
/// list, not a slot) came from this line. The verifier prints <paramref name="LineText"/> in its log, so the log shows
/// C# source. Line must be below 2^22 and Column below 1024 (the kernel's encoding).
/// </summary>
public readonly record struct SourceLine(int InstructionIndex, string FileName, string LineText, int Line, int Column);
