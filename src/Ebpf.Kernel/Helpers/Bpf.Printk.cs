using System.Globalization;
using System.Text;

namespace Ebpf.Kernel;

public static partial class Bpf
{
    // bpf_trace_printk: the format must be a literal (the compiler puts it in .rodata), with at most three integer arguments,
    // each widened to 64 bits (sign-extended for signed types). Conversions follow the kernel's: %d, %i, %u, %x, %X, %c with
    // h/hh/l/ll sizes, %p, %%; an unsized %d prints the low 32 bits, as in C. The kernel needs a GPL-compatible license.

    /// <summary>Writes to the trace pipe (bpf_trace_printk); managed, to <see cref="ManagedKernel.Trace"/>. Returns the bytes written.</summary>
    [Helper(6, "trace_printk")]
    public static int Printk(string format) => Emit(format, []);

    [Helper(6, "trace_printk")]
    public static int Printk<T1>(string format, T1 a) where T1 : unmanaged => Emit(format, [Widen(a)]);

    [Helper(6, "trace_printk")]
    public static int Printk<T1, T2>(string format, T1 a, T2 b) where T1 : unmanaged where T2 : unmanaged => Emit(format, [Widen(a), Widen(b)]);

    [Helper(6, "trace_printk")]
    public static int Printk<T1, T2, T3>(string format, T1 a, T2 b, T3 c) where T1 : unmanaged where T2 : unmanaged where T3 : unmanaged =>
        Emit(format, [Widen(a), Widen(b), Widen(c)]);

    private static ulong Widen<T>(T value) where T : unmanaged => value switch
    {
        bool b => b ? 1UL : 0UL,
        sbyte v => (ulong)v,
        short v => (ulong)v,
        int v => (ulong)v,
        long v => (ulong)v,
        nint v => (ulong)v,
        byte v => v,
        ushort v => v,
        char v => v,
        uint v => v,
        ulong v => v,
        nuint v => v,
        Enum e => IsSigned(e) ? (ulong)Convert.ToInt64(e, CultureInfo.InvariantCulture) : Convert.ToUInt64(e, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"bpf_trace_printk takes integer arguments, not {typeof(T).Name}."),
    };

    private static bool IsSigned(Enum e) => Type.GetTypeCode(Enum.GetUnderlyingType(e.GetType())) is TypeCode.SByte or TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64;

    private static int Emit(string format, ulong[] args)
    {
        ArgumentNullException.ThrowIfNull(format);
        string text = Format(format, args);
        ManagedKernel.Current.AddTrace(text.TrimEnd('\n'));
        return Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>The kernel's formatting of a printk format (exposed for tests).</summary>
    internal static string Format(string format, ReadOnlySpan<ulong> args)
    {
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%') { sb.Append(c); continue; }
            if (++i >= format.Length) throw new ArgumentException($"Format \"{format}\" ends in a lone '%'.", nameof(format));
            if (format[i] == '%') { sb.Append('%'); continue; }

            bool zero = false, left = false;
            for (; i < format.Length && format[i] is '0' or '-'; i++)
                if (format[i] == '0') zero = true; else left = true;
            int width = 0;
            for (; i < format.Length && char.IsAsciiDigit(format[i]); i++) width = width * 10 + (format[i] - '0');
            int bits = 32;
            if (i < format.Length && format[i] == 'l') { bits = 64; i++; if (i < format.Length && format[i] == 'l') i++; }
            else if (i < format.Length && format[i] == 'h') { bits = 16; i++; if (i < format.Length && format[i] == 'h') { bits = 8; i++; } }
            if (i >= format.Length) throw new ArgumentException($"Format \"{format}\" ends inside a conversion.", nameof(format));
            char conv = format[i];
            if (next >= args.Length) throw new ArgumentException($"Format \"{format}\" has more conversions than the {args.Length} arguments given.", nameof(format));
            ulong raw = args[next++];
            ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            string piece = conv switch
            {
                'd' or 'i' => SignExtend(raw & mask, bits).ToString(CultureInfo.InvariantCulture),
                'u' => (raw & mask).ToString(CultureInfo.InvariantCulture),
                'x' => (raw & mask).ToString("x", CultureInfo.InvariantCulture),
                'X' => (raw & mask).ToString("X", CultureInfo.InvariantCulture),
                'c' => ((char)(byte)raw).ToString(),
                'p' => "0x" + raw.ToString("x", CultureInfo.InvariantCulture),
                _ => throw new ArgumentException($"Format \"{format}\" uses %{conv}, which bpf_trace_printk does not take from integers; use d, i, u, x, X, c or p.", nameof(format)),
            };
            if (piece.Length < width)
                piece = left ? piece.PadRight(width) : zero && conv != 'c' ? Pad0(piece, width) : piece.PadLeft(width);
            sb.Append(piece);
        }
        if (next < args.Length) throw new ArgumentException($"Format \"{format}\" uses {next} of the {args.Length} arguments given.", nameof(format));
        return sb.ToString();
    }

    private static long SignExtend(ulong value, int bits) => bits == 64 ? (long)value : (long)(value << (64 - bits)) >> (64 - bits);

    private static string Pad0(string s, int width) => s.StartsWith('-') ? "-" + s[1..].PadLeft(width - 1, '0') : s.PadLeft(width, '0');
}
