using System.Globalization;

namespace Ebpf.Loading.Externs;

/// <summary>
/// Addresses of kernel symbols from /proc/kallsyms, for typeless <c>__ksym</c> externs (libbpf reads the same file).
/// Read once per process, on first need. Without root, or with kptr_restrict, the kernel shows zeros: those read as absent.
/// </summary>
internal static class KernelSymbols
{
    public const string Path = "/proc/kallsyms";

    private static readonly Lazy<Dictionary<string, ulong>> Symbols = new(Read);

    /// <summary>The symbol's address, or null when this kernel does not export it (or hides addresses).</summary>
    public static ulong? Address(string name) => Symbols.Value.TryGetValue(name, out var address) && address != 0 ? address : null;

    private static Dictionary<string, ulong> Read()
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(Path))
            {
                // "ffffffff81000000 T _stext" or "ffffffffc0000000 t name\t[module]"; the first occurrence of a name wins, as in libbpf.
                var parts = line.Split([' ', '\t'], 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 3 && ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address))
                    result.TryAdd(parts[2], address);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return result;
    }
}
