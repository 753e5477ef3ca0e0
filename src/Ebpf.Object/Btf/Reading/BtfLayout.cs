namespace Ebpf.Object.Btf;

/// <summary>Sizes of the encoded forms (include/uapi/linux/btf.h), shared by reader and writer.</summary>
internal static class BtfLayout
{
    public const ushort Magic = 0xEB9F;
    public const int HeaderSize = 24;
    public const int CommonSize = 12;

    /// <summary>info word: vlen bits 0-15, kind bits 24-28, kind_flag bit 31; the rest must be zero.</summary>
    public const uint InfoUnusedMask = 0x60FF0000;

    /// <summary>INT trailing word: bits 0-7 nr_bits, 16-23 offset, 24-27 encoding; the rest must be zero.</summary>
    public const uint IntUnusedMask = 0xF000FF00;

    public const int MaxVLen = 0xFFFF;

    /// <summary>Bytes that follow the 12-byte common part for a kind with the given vlen; -1 for an unknown kind.</summary>
    public static int TrailingSize(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
            or BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };
}
