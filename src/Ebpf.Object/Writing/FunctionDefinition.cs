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

    /// <summary>A BTF FUNC_PROTO id from <see cref="BpfObjectBuilder.Btf"/>.</summary>
    public int? ProtoTypeId { get; init; }

    /// <summary>For subprograms: a C <c>static</c> function (LOCAL symbol, static BTF linkage), verified with its caller.</summary>
    public bool IsStatic { get; init; }
}
