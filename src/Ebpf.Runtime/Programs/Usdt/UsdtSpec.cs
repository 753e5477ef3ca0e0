using System.Buffers.Binary;
using Ebpf.Object.UsdtNotes;

namespace Ebpf;

/// <summary>
/// libbpf's struct __bpf_usdt_spec (bpf/usdt.bpf.h), the value of the __bpf_usdt_specs map that bpf_usdt_arg reads:
/// 12 argument specs of 16 bytes (u64 val_off, u32 arg_type, s16 reg_off, bool arg_signed, s8 arg_bitshift),
/// then u64 usdt_cookie at 192 and s16 arg_cnt at 200; 208 bytes with padding.
/// </summary>
internal static class UsdtSpec
{
    public const int MaxArguments = 12;
    public const int Size = 208;
    private const int ArgSize = 16, CookieOffset = 192, CountOffset = 200;

    public static byte[] Encode(IReadOnlyList<UsdtArgument> arguments, ulong cookie, string where)
    {
        if (arguments.Count > MaxArguments)
            throw new BpfException($"{where} has {arguments.Count} arguments; usdt.bpf.h reads at most {MaxArguments}");
        var bytes = new byte[Size];
        for (var i = 0; i < arguments.Count; i++)
        {
            var a = arguments[i];
            var span = bytes.AsSpan(i * ArgSize, ArgSize);
            BinaryPrimitives.WriteInt64LittleEndian(span, a.Kind == UsdtArgumentKind.Register ? 0 : a.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)a.Kind); // BPF_USDT_ARG_CONST, _REG, _REG_DEREF
            BinaryPrimitives.WriteInt16LittleEndian(span[12..], (short)a.PtRegsOffset);
            span[14] = a.Signed ? (byte)1 : (byte)0;
            span[15] = (byte)(64 - a.Size * 8); // bits to shift out (and sign-extend back) to keep the argument's own width
        }
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(CookieOffset), cookie);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(CountOffset), (short)arguments.Count);
        return bytes;
    }
}
