namespace Ebpf.Object.Btf;

/// <summary>
/// bpf_func_info: the function starting at an instruction. InstructionOffset is in bytes, as stored in an
/// object file (the kernel wants instruction indexes: divide by 8). Extra holds record bytes past the known
/// fields when the file's record size is larger, so they are written back.
/// </summary>
public readonly record struct BtfFuncInfo(uint InstructionOffset, int TypeId)
{
    public byte[]? Extra { get; init; }
}

/// <summary>bpf_line_info: source position of an instruction. Strings live in the .BTF string table.</summary>
public readonly record struct BtfLineInfo(uint InstructionOffset, string FileName, string LineText, uint Line, uint Column)
{
    public int FileNameOffset { get; init; }
    public int LineTextOffset { get; init; }
    public byte[]? Extra { get; init; }

    public const uint MaxColumn = 0x3FF;
    public const uint MaxLine = 0x3FFFFF;
}

/// <summary>What a CO-RE relocation asks for (enum bpf_core_relo_kind).</summary>
public enum BtfCoreRelocationKind : uint
{
    FieldByteOffset = 0,
    FieldByteSize = 1,
    FieldExists = 2,
    FieldSigned = 3,
    FieldLShiftU64 = 4,
    FieldRShiftU64 = 5,
    TypeIdLocal = 6,
    TypeIdTarget = 7,
    TypeExists = 8,
    TypeSize = 9,
    EnumValueExists = 10,
    EnumValue = 11,
    TypeMatches = 12,
}

/// <summary>
/// bpf_core_relo: an instruction whose immediate or offset depends on the target kernel's types.
/// AccessString is "0:1:2"-style: member indexes from TypeId (or an enumerator index for enum kinds).
/// </summary>
public readonly record struct BtfCoreRelocation(uint InstructionOffset, int TypeId, string AccessString, BtfCoreRelocationKind Kind)
{
    public int AccessStringOffset { get; init; }
    public byte[]? Extra { get; init; }
}

/// <summary>The records of one ELF section (by name) inside a .BTF.ext subsection.</summary>
public sealed class BtfExtSection<T>(string sectionName, IReadOnlyList<T> records)
{
    public string SectionName { get; } = sectionName;

    /// <summary>Offset of the section name in the .BTF string table, as read (or as the caller set it).</summary>
    public int SectionNameOffset { get; init; }

    public IReadOnlyList<T> Records { get; } = records;

    public override string ToString() => $"{SectionName}: {Records.Count} records";
}
