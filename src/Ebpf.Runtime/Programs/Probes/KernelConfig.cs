using System.IO.Compression;

namespace Ebpf;

/// <summary>
/// The running kernel's build options, from /proc/config.gz (CONFIG_IKCONFIG_PROC) or /boot/config-RELEASE,
/// so that an error can say which option is off instead of guessing.
/// </summary>
internal static class KernelConfig
{
    private static readonly Lazy<Dictionary<string, string>?> Options = new(Read);

    /// <summary>"y", "m" or a value; "n" for "# CONFIG_X is not set"; null when the kernel's config cannot be read.</summary>
    public static string? Get(string option) =>
        Options.Value is { } options ? options.GetValueOrDefault(option, "n") : null;

    /// <summary>"CONFIG_KPROBES is not set" / "CONFIG_KPROBES=y", or "" when unknown, for error messages.</summary>
    public static string Describe(string option) => Get(option) switch
    {
        null => "",
        "n" => $"{option} is not set",
        var v => $"{option}={v}",
    };

    private static Dictionary<string, string>? Read()
    {
        try
        {
            TextReader reader;
            if (File.Exists("/proc/config.gz"))
                reader = new StreamReader(new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress));
            else if (File.Exists("/proc/sys/kernel/osrelease")
                     && File.Exists($"/boot/config-{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}"))
                reader = File.OpenText($"/boot/config-{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}");
            else
                return null;
            using (reader)
            {
                var options = new Dictionary<string, string>(StringComparer.Ordinal);
                while (reader.ReadLine() is { } line)
                {
                    int eq = line.IndexOf('=');
                    if (line.StartsWith("CONFIG_", StringComparison.Ordinal) && eq > 0)
                        options[line[..eq]] = line[(eq + 1)..];
                }
                return options;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}
