using Ebpf.Asm;

namespace Ebpf.Object.Writing;

/// <summary>
/// One function to write: an entry program (<see cref="BpfObjectBuilder.AddProgram"/>) or a subprogram in .text
/// (<see cref="BpfObjectBuilder.AddSubprogram"/>). Each gets a BTF FUNC (for func_info) whose FUNC_PROTO is
/// <see cref="ProtoTypeId"/>, or <c>int (void *ctx)</c> when none is given.
/// </summary>
public sealed record FunctionDefinition(string Name, IReadOnlyList<Instruction> Instructions)
{
    public IReadOnlyList<CodeRelocation> Relocations { get; init; } = [];
    public IReadOnlyList<SourceLine> Lines { get; init; } = [];

    /// <summary>CO-RE relocations of the function's instructions, written to .BTF.ext's core_relo subsection.</summary>
    public IReadOnlyList<CoreRelocationDefinition> CoreRelocations { get; init; } = [];

    /// <summary>A BTF FUNC_PROTO id from <see cref="BpfObjectBuilder.Btf"/>.</summary>
    public int? ProtoTypeId { get; init; }

    /// <summary>For subprograms: a C <c>static</c> function (LOCAL symbol, static BTF linkage), verified with its caller.</summary>
    public bool IsStatic { get; init; }
}

/// <summary>
/// A CO-RE relocation as clang writes one: the instruction at <paramref name="InstructionIndex"/> (an index into the
/// function's instructions) holds a value of <paramref name="Kind"/> for <paramref name="TypeId"/> (in the object's BTF)
/// and the access path <paramref name="AccessString"/> ("0:2:1": member indexes, or an enumerator index, or "0" for types).
/// </summary>
public sealed record CoreRelocationDefinition(int InstructionIndex, int TypeId, string AccessString, Ebpf.Object.Btf.BtfCoreRelocationKind Kind);
