using System.Reflection.Metadata;

namespace Ebpf.Compiler.IL;

/// <summary>
/// One decoded CIL instruction. Operands: <see cref="Int"/> for integer immediates, local/argument indices and
/// branch targets (absolute IL offsets); <see cref="Long"/> for ldc.i8; <see cref="Double"/> for ldc.r4/r8;
/// <see cref="Token"/> for metadata tokens; <see cref="Targets"/> for switch.
/// </summary>
internal readonly record struct ILInstruction(int Offset, ILOpCode OpCode, int Size)
{
    public int Int { get; init; }
    public long Long { get; init; }
    public double Double { get; init; }
    public int Token { get; init; }
    public int[]? Targets { get; init; }

    /// <summary>Offset of the next instruction: where a branch's displacement counts from.</summary>
    public int End => Offset + Size;

    public override string ToString() => OpCode switch
    {
        _ when Targets is not null => $"IL_{Offset:x4}: switch ({string.Join(", ", Targets.Select(t => $"IL_{t:x4}"))})",
        _ when OpCode.IsBranch() => $"IL_{Offset:x4}: {Name} IL_{Int:x4}",
        _ when Token != 0 => $"IL_{Offset:x4}: {Name} 0x{Token:x8}",
        ILOpCode.Ldc_i8 => $"IL_{Offset:x4}: {Name} {Long}",
        ILOpCode.Ldc_r4 or ILOpCode.Ldc_r8 => $"IL_{Offset:x4}: {Name} {Double}",
        _ => $"IL_{Offset:x4}: {Name}" + (ILDecoder.OperandKindOf(OpCode) is OperandKind.None ? "" : $" {Int}"),
    };

    private string Name => OpCode.ToString().ToLowerInvariant().Replace('_', '.');
}
