using System.Buffers.Binary;

namespace Ebpf.BtfSupport;

/// <summary>
/// Rewrites BTF for a kernel that lacks some kinds, the way libbpf does: each unsupported type becomes a kind the
/// kernel knows with the same id and the same encoded size, so every reference into the BTF (maps' key and value
/// ids, func_info, line_info string offsets) stays valid. ENUM64 is the one exception needing a new type: its
/// values become members of a UNION typed by an INT appended at the end.
/// </summary>
public static class BtfSanitizer
{
    private const int Int = 1, Struct = 4, Union = 5, Enum = 6, Typedef = 8, Const = 10, Func = 12, FuncProto = 13,
        Var = 14, Datasec = 15, Float = 16, DeclTag = 17, TypeTag = 18, Enum64 = 19;

    /// <summary>The BTF unchanged when the kernel has every feature it uses; otherwise a rewritten copy.</summary>
    public static byte[] Sanitize(byte[] btf, BtfFeatures supported)
    {
        if ((supported & BtfFeatures.All) == BtfFeatures.All)
            return btf;
        var bytes = (byte[])btf.Clone();
        var span = bytes.AsSpan();
        var hdrLen = (int)U32(span, 4);
        var typeStart = hdrLen + (int)U32(span, 8);
        var typeEnd = typeStart + (int)U32(span, 12);
        var strStart = hdrLen + (int)U32(span, 16);

        var positions = new List<int> { -1 }; // id -> offset of its header; id 0 is void
        for (var p = typeStart; p < typeEnd;)
        {
            positions.Add(p);
            var info = U32(span, p + 4);
            p += 12 + Trailing((int)((info >> 24) & 0x1f), (int)(info & 0xffff));
        }

        var needsByteInt = false;
        for (var id = 1; id < positions.Count; id++)
        {
            var p = positions[id];
            var info = U32(span, p + 4);
            var kind = (int)((info >> 24) & 0x1f);
            var vlen = (int)(info & 0xffff);
            switch (kind)
            {
                case Var when !supported.HasFlag(BtfFeatures.DataSections):
                    // An INT of one byte: the 4-byte linkage field becomes the INT encoding (8 bits).
                    SetInfo(span, p, Int, 0);
                    W32(span, p + 8, 1);
                    W32(span, p + 12, 8);
                    break;
                case Datasec when !supported.HasFlag(BtfFeatures.DataSections):
                    // A STRUCT whose members are the variables (each 12-byte var_secinfo becomes a 12-byte member).
                    SetInfo(span, p, Struct, vlen);
                    for (var i = 0; i < vlen; i++)
                    {
                        var m = p + 12 + i * 12;
                        var varId = (int)U32(span, m);
                        var offset = U32(span, m + 4);
                        W32(span, m, varId < positions.Count ? U32(span, positions[varId]) : 0); // member name: the variable's
                        W32(span, m + 4, (uint)varId);
                        W32(span, m + 8, offset * 8);
                    }
                    MakeIdentifier(span, strStart, (int)U32(span, p)); // ".data" is not a valid struct name
                    break;
                case FuncProto when !supported.HasFlag(BtfFeatures.Functions):
                    SetInfo(span, p, Enum, vlen);
                    W32(span, p + 8, 4);
                    break;
                case Func when !supported.HasFlag(BtfFeatures.Functions):
                    SetInfo(span, p, Typedef, 0);
                    break;
                case Func when !supported.HasFlag(BtfFeatures.GlobalFunctions) && vlen == 1:
                    SetInfo(span, p, Func, 0); // global linkage becomes static
                    break;
                case Float when !supported.HasFlag(BtfFeatures.Float):
                    W32(span, p, 0);
                    SetInfo(span, p, Struct, 0); // an empty struct of the same size
                    break;
                // A tag may point at a VAR or FUNC rewritten above, which it may not tag; kernels without those lack tags anyway.
                case DeclTag when !supported.HasFlag(BtfFeatures.DeclTag) || !supported.HasFlag(BtfFeatures.DataSections) || !supported.HasFlag(BtfFeatures.Functions):
                    W32(span, p, 0);
                    SetInfo(span, p, Int, 0);
                    W32(span, p + 8, 4);
                    W32(span, p + 12, 32);
                    break;
                case TypeTag when !supported.HasFlag(BtfFeatures.TypeTag):
                    W32(span, p, 0);
                    SetInfo(span, p, Const, 0);
                    break;
                case Enum64 when !supported.HasFlag(BtfFeatures.Enum64):
                    SetInfo(span, p, Union, vlen);
                    for (var i = 0; i < vlen; i++)
                    {
                        var m = p + 12 + i * 12;
                        W32(span, m + 4, (uint)positions.Count); // the INT appended below
                        W32(span, m + 8, 0);
                    }
                    needsByteInt = true;
                    break;
            }
        }
        if (!needsByteInt)
            return bytes;

        // Append `INT (anon) size=1 bits=8` after the last type: the string section moves down by 16 bytes.
        var grown = new byte[bytes.Length + 16];
        bytes.AsSpan(0, typeEnd).CopyTo(grown);
        var added = grown.AsSpan(typeEnd, 16);
        W32(added, 4, (uint)Int << 24);
        W32(added, 8, 1);
        W32(added, 12, 8);
        bytes.AsSpan(typeEnd).CopyTo(grown.AsSpan(typeEnd + 16));
        W32(grown, 12, U32(grown, 12) + 16);
        if (strStart >= typeEnd)
            W32(grown, 16, U32(grown, 16) + 16);
        return grown;
    }

    private static int Trailing(int kind, int vlen) => kind switch
    {
        Int or Var or DeclTag => 4,
        3 => 12,
        Struct or Union or Datasec or Enum64 => vlen * 12,
        Enum or FuncProto => vlen * 8,
        _ => 0,
    };

    private static void SetInfo(Span<byte> span, int p, int kind, int vlen) => W32(span, p + 4, ((uint)kind << 24) | (uint)vlen);

    /// <summary>Replaces characters C identifiers cannot hold (".data" becomes "_data"), in place, as libbpf does.</summary>
    private static void MakeIdentifier(Span<byte> span, int strStart, int nameOffset)
    {
        for (var i = strStart + nameOffset; i < span.Length && span[i] != 0; i++)
            if (!(char.IsAsciiLetterOrDigit((char)span[i]) || span[i] == '_'))
                span[i] = (byte)'_';
    }

    private static uint U32(ReadOnlySpan<byte> span, int at) => BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
    private static void W32(Span<byte> span, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(span[at..], value);
}
