using System.Globalization;

namespace Ebpf.Object.UsdtNotes;

/// <summary>Where a USDT argument's value is when the probe fires.</summary>
public enum UsdtArgumentKind
{
    /// <summary>A constant ("-4@$5"): <see cref="UsdtArgument.Value"/>.</summary>
    Constant,
    /// <summary>A register ("-4@%edi").</summary>
    Register,
    /// <summary>Memory at a register plus an offset ("8@-8(%rbp)").</summary>
    RegisterDeref,
}

/// <summary>
/// One argument of a USDT site as sys/sdt.h writes it, "SIZE@LOCATION": SIZE is the byte count, negative when
/// signed. <see cref="PtRegsOffset"/> is the register's offset in the architecture's struct pt_regs, which is
/// what a BPF program reads.
/// </summary>
public sealed record UsdtArgument(UsdtArgumentKind Kind, int Size, bool Signed, string? Register, int PtRegsOffset, long Value)
{
    /// <summary>Parses the space-separated argument text of a note (x86-64: AT&amp;T syntax).</summary>
    public static IReadOnlyList<UsdtArgument> ParseAll(string text, ushort machine, string where)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new UsdtArgument[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            result[i] = Parse(parts[i], machine, $"{where}, argument {i}");
        return result;
    }

    public static UsdtArgument Parse(string spec, ushort machine, string where = "USDT argument")
    {
        if (machine != X86PtRegs.Machine)
            throw new InvalidObjectException($"{where}: USDT arguments are read for x86-64 only (ELF machine 62), not machine {machine}");
        var at = spec.IndexOf('@');
        int size = 8;
        var location = spec;
        if (at > 0)
        {
            if (!int.TryParse(spec.AsSpan(0, at), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out size) || Math.Abs(size) is not (1 or 2 or 4 or 8))
                throw new InvalidObjectException($"{where}: \"{spec}\" has size {spec[..at]}; sizes are 1, 2, 4 or 8 bytes, negative when signed");
            location = spec[(at + 1)..];
        }
        bool signed = size < 0;
        size = Math.Abs(size);
        if (location.StartsWith('$'))
        {
            if (!TryParseNumber(location.AsSpan(1), out var constant))
                throw new InvalidObjectException($"{where}: \"{spec}\" is not a constant");
            return new UsdtArgument(UsdtArgumentKind.Constant, size, signed, null, 0, constant);
        }
        if (location.StartsWith('%'))
        {
            var register = location[1..];
            return new UsdtArgument(UsdtArgumentKind.Register, size, signed, register, RegisterOffset(register, spec, where), 0);
        }
        var open = location.IndexOf('(');
        if (open >= 0 && location.EndsWith(')') && location[open + 1] == '%')
        {
            var inner = location[(open + 2)..^1];
            if (inner.Contains(','))
                throw new InvalidObjectException($"{where}: \"{spec}\" uses an index register (base, index, scale), which libbpf's usdt.bpf.h of this version cannot read");
            long offset = 0;
            if (open > 0 && !TryParseNumber(location.AsSpan(0, open), out offset))
                throw new InvalidObjectException($"{where}: \"{spec}\" has an offset that is not a number (a symbol-relative operand such as foo(%rip) is not supported)");
            if (inner == "rip")
                throw new InvalidObjectException($"{where}: \"{spec}\" is relative to %rip, which is not supported");
            return new UsdtArgument(UsdtArgumentKind.RegisterDeref, size, signed, inner, RegisterOffset(inner, spec, where), offset);
        }
        throw new InvalidObjectException($"{where}: cannot read \"{spec}\": expected SIZE@$CONSTANT, SIZE@%REGISTER or SIZE@OFFSET(%REGISTER)");
    }

    private static int RegisterOffset(string register, string spec, string where) =>
        X86PtRegs.Offset(register) ?? throw new InvalidObjectException($"{where}: \"{spec}\" names register %{register}, which is not an x86-64 general-purpose register");

    private static bool TryParseNumber(ReadOnlySpan<char> text, out long value)
    {
        bool negative = text.StartsWith("-");
        if (negative) text = text[1..];
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (negative) value = -value;
        return ok;
    }
}
