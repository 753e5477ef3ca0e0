using Ebpf.Object.Data;
using Ebpf.Object.Elf;
using Ebpf.Object.Maps;
using Ebpf.Object.Programs;

namespace Ebpf.Object.Relocations;

/// <summary>
/// One relocated instruction of a program, resolved against the object: the map, variable or function it names.
/// <see cref="InstructionOffset"/> counts 8-byte slots from the start of the program, as the kernel does.
/// Calls within one section that clang left PC-relative have no ELF relocation: their <see cref="ElfType"/> is None.
/// </summary>
public sealed record ProgramRelocation(
    int InstructionOffset,
    RelocationKind Kind,
    BpfRelocationType ElfType,
    string SymbolName)
{
    /// <summary>The map of a <see cref="RelocationKind.Map"/> relocation.</summary>
    public MapSpec? Map { get; init; }

    /// <summary>The data section of a <see cref="RelocationKind.GlobalData"/> relocation.</summary>
    public DataSection? Data { get; init; }

    /// <summary>Byte offset into <see cref="Data"/> (symbol value plus the instruction's addend).</summary>
    public long DataOffset { get; init; }

    /// <summary>The variable at <see cref="DataOffset"/>, when one is known.</summary>
    public DataVariable? Variable { get; init; }

    /// <summary>The extern of an <see cref="RelocationKind.Extern"/> relocation (a ksym or kfunc).</summary>
    public Externs.ExternSpec? Extern { get; init; }

    /// <summary>The called or referenced function of <see cref="RelocationKind.Call"/> and <see cref="RelocationKind.FunctionAddress"/>.</summary>
    public ProgramSpec? Target { get; init; }

    /// <summary>What the instruction refers to, e.g. "map traffic" or ".data+12 (static_data)".</summary>
    public string Description => Kind switch
    {
        RelocationKind.Map => $"map {Map?.Name ?? SymbolName}",
        RelocationKind.GlobalData => $"{Data?.Name}+{DataOffset}" + (Variable is null ? "" : $" ({Variable.Name})"),
        RelocationKind.Call => $"call {Target?.Name ?? SymbolName}",
        RelocationKind.FunctionAddress => $"&{Target?.Name ?? SymbolName}",
        _ => Extern is { } e ? $"{e.Kind switch { Externs.ExternKind.Kfunc => "kfunc", Externs.ExternKind.Unresolved => "extern", _ => "ksym" }} {SymbolName}" : $"extern {SymbolName}",
    };

    public override string ToString() => $"{InstructionOffset}: {Description}";
}
