using Ebpf.Asm;

namespace Ebpf.Object.Writing;

/// <summary>A function placed in its code section; <see cref="ByteOffset"/> is set when sections are laid out.</summary>
internal sealed class FunctionLayout(FunctionDefinition definition, string section, bool isProgram, int funcTypeId)
{
    public FunctionDefinition Definition { get; } = definition;
    public string Name => Definition.Name;
    public string Section { get; } = section;
    public bool IsProgram { get; } = isProgram;
    public bool IsLocal => !IsProgram && Definition.IsStatic;
    public int FuncTypeId { get; } = funcTypeId;
    public SlotMap Slots { get; } = SlotMap.For(definition.Instructions);
    public int ByteSize => Slots.SlotCount * 8;
    public int ByteOffset { get; set; }

    /// <summary>Byte offset within the section of the instruction at <paramref name="index"/>.</summary>
    public int OffsetOf(int index) => ByteOffset + Slots.SlotOf(index) * 8;

    public string Describe => IsProgram ? $"program '{Name}' ({Section})" : $"subprogram '{Name}'";
}
