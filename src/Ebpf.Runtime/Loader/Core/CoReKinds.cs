using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>The three families of CO-RE relocation: each family parses and matches its access string differently.</summary>
internal static class CoReKinds
{
    public static bool IsFieldBased(BtfCoreRelocationKind kind) => kind <= BtfCoreRelocationKind.FieldRShiftU64;

    public static bool IsTypeBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.TypeIdLocal or BtfCoreRelocationKind.TypeIdTarget
        or BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeSize or BtfCoreRelocationKind.TypeMatches;

    public static bool IsEnumValueBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.EnumValueExists or BtfCoreRelocationKind.EnumValue;

    /// <summary>libbpf's names for the kinds, as its logs and bpftool print them.</summary>
    public static string Name(BtfCoreRelocationKind kind) => kind switch
    {
        BtfCoreRelocationKind.FieldByteOffset => "byte_off",
        BtfCoreRelocationKind.FieldByteSize => "byte_sz",
        BtfCoreRelocationKind.FieldExists => "field_exists",
        BtfCoreRelocationKind.FieldSigned => "signed",
        BtfCoreRelocationKind.FieldLShiftU64 => "lshift_u64",
        BtfCoreRelocationKind.FieldRShiftU64 => "rshift_u64",
        BtfCoreRelocationKind.TypeIdLocal => "local_type_id",
        BtfCoreRelocationKind.TypeIdTarget => "target_type_id",
        BtfCoreRelocationKind.TypeExists => "type_exists",
        BtfCoreRelocationKind.TypeMatches => "type_matches",
        BtfCoreRelocationKind.TypeSize => "type_size",
        BtfCoreRelocationKind.EnumValueExists => "enumval_exists",
        BtfCoreRelocationKind.EnumValue => "enumval_value",
        _ => $"kind {(uint)kind}",
    };
}
