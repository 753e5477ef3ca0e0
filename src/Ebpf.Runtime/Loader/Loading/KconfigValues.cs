using System.Globalization;
using System.IO.Compression;
using Ebpf.Object.Btf;
using System.Text;

namespace Ebpf.Loading;

/// <summary>
/// Values of Kconfig externs as libbpf provides them: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE,
/// LINUX_HAS_SYSCALL_WRAPPER, and CONFIG_* from /proc/config.gz or /boot/config-RELEASE, each converted to the type the
/// extern is declared with: y/n into bool, y/m/n into enum libbpf_tristate (1/2/0) or a char, numbers into integers of
/// the declared size and sign (range-checked), strings into char arrays (truncated to fit, NUL-terminated).
/// </summary>
internal static class KconfigValues
{
    private static readonly Lazy<Dictionary<string, string>> Config = new(ReadConfig);

    /// <summary>The raw value ("y", "m", "n", a number or a quoted string), or null when this kernel does not define it.</summary>
    public static string? Raw(string name)
    {
        var release = Environment.OSVersion.Version; // uname -r's major.minor.patch on Linux
        return name switch
        {
            "LINUX_KERNEL_VERSION" => ((release.Major << 16) | (release.Minor << 8) | Math.Min(Math.Max(release.Build, 0), 255)).ToString(CultureInfo.InvariantCulture),
            // bpf_get_attach_cookie for perf-event (uprobe, kprobe, tracepoint) programs arrived in Linux 5.15.
            "LINUX_HAS_BPF_COOKIE" => release >= new Version(5, 15) ? "1" : "0",
            "LINUX_HAS_SYSCALL_WRAPPER" => release >= new Version(4, 17) ? "1" : "0",
            _ when name.StartsWith("CONFIG_", StringComparison.Ordinal) => Config.Value.GetValueOrDefault(name),
            _ => null,
        };
    }

    /// <summary>
    /// The bytes of <paramref name="name"/> as an extern of type <paramref name="type"/> (typedefs and qualifiers skipped)
    /// in <paramref name="size"/> bytes; null when the kernel does not define it. A value the type cannot hold throws, naming both.
    /// </summary>
    public static byte[]? Value(string name, BtfType type, int size)
    {
        if (Raw(name) is not { } text)
            return null;
        string Mismatch(string what) => $"Kconfig extern '{name}' is declared as {Describe(type)}, but this kernel's value \"{text}\" {what}";
        var bytes = new byte[size];
        switch (text)
        {
            case "y" or "n" or "m":
                var value = type switch
                {
                    BtfInt { IsBool: true } when text != "m" => text == "y" ? 1 : 0,
                    BtfEnumBase { Name: "libbpf_tristate" } => text switch { "y" => 1, "m" => 2, _ => 0 },
                    BtfInt { Size: 1 } => text[0], // libbpf: every 1-byte integer is a char,
                    _ => throw new BpfLoadException(Mismatch("is a tristate: declare it bool (y/n), enum libbpf_tristate or char")),
                };
                bytes[0] = (byte)value;
                return bytes;
            case ['"', ..]:
                if (type is not BtfArray)
                    throw new BpfLoadException(Mismatch("is a string: declare it as a char array"));
                var encoded = Encoding.UTF8.GetBytes(text.Trim('"'));
                encoded.AsSpan(0, Math.Min(encoded.Length, size - 1)).CopyTo(bytes);
                return bytes;
        }
        var number = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : (long?)null
            : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dec) ? dec : null;
        if (number is not { } n || type is not BtfInt integer)
            throw new BpfLoadException(Mismatch(number is null ? "is not a number, a string or y/m/n" : "is a number: declare it as an integer type"));
        var bits = Math.Min(64, size * 8);
        var fits = integer.IsBool ? n is 0 or 1
            : integer.IsSigned ? bits == 64 || (n >= -(1L << (bits - 1)) && n < (1L << (bits - 1)))
            : n >= 0 && (bits == 64 || n < (1L << bits));
        if (!fits)
            throw new BpfLoadException(Mismatch($"does not fit in it ({size} bytes, {(integer.IsSigned ? "signed" : "unsigned")})"));
        BitConverter.GetBytes(n).AsSpan(0, Math.Min(8, size)).CopyTo(bytes);
        return bytes;
    }

    private static string Describe(BtfType t) => t switch
    {
        BtfInt i => $"{(i.Name.Length > 0 ? i.Name : "an integer")} ({i.Size} bytes{(i.IsBool ? ", bool" : "")})",
        BtfArray a => $"an array of {a.Count}",
        _ => $"{t.Kind.ToString().ToLowerInvariant()} {t.Name}".TrimEnd(),
    };

    private static Dictionary<string, string> ReadConfig()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? text = null;
        try
        {
            if (File.Exists("/proc/config.gz"))
            {
                using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
                text = new StreamReader(gz).ReadToEnd();
            }
            else
            {
                var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
                if (File.Exists($"/boot/config-{release}")) text = File.ReadAllText($"/boot/config-{release}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { }
        foreach (var line in (text ?? "").Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0 && line.StartsWith("CONFIG_", StringComparison.Ordinal))
                result[line[..eq]] = line[(eq + 1)..].Trim();
        }
        return result;
    }
}
