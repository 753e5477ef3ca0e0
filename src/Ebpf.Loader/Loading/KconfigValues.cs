using System.IO.Compression;
using System.Text;

namespace Ebpf.Loading;

/// <summary>
/// Values of Kconfig externs as libbpf provides them: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE,
/// LINUX_HAS_SYSCALL_WRAPPER, and CONFIG_* from /proc/config.gz or /boot/config-RELEASE (y = 1, m = 2, n = 0,
/// numbers, strings).
/// </summary>
internal static class KconfigValues
{
    private static readonly Lazy<Dictionary<string, string>> Config = new(ReadConfig);

    /// <summary>The little-endian bytes of <paramref name="name"/> in <paramref name="size"/> bytes, or null when unknown.</summary>
    public static byte[]? Value(string name, int size)
    {
        var release = Environment.OSVersion.Version; // uname -r's major.minor.patch on Linux
        switch (name)
        {
            case "LINUX_KERNEL_VERSION":
                return Number((release.Major << 16) | (release.Minor << 8) | Math.Min(Math.Max(release.Build, 0), 255), size);
            case "LINUX_HAS_BPF_COOKIE":
                // bpf_get_attach_cookie for perf-event (uprobe, kprobe, tracepoint) programs arrived in Linux 5.15.
                return Number(release >= new Version(5, 15) ? 1 : 0, size);
            case "LINUX_HAS_SYSCALL_WRAPPER":
                return Number(release >= new Version(4, 17) ? 1 : 0, size);
        }
        if (!name.StartsWith("CONFIG_", StringComparison.Ordinal) || !Config.Value.TryGetValue(name, out var text))
            return null;
        return text switch
        {
            "y" => Number(1, size),
            "m" => Number(2, size),
            "n" => Number(0, size),
            _ when text.StartsWith('"') => Text(text.Trim('"'), size),
            _ when text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => Number(Convert.ToInt64(text[2..], 16), size),
            _ => long.TryParse(text, out var n) ? Number(n, size) : null,
        };
    }

    private static byte[] Number(long value, int size)
    {
        var bytes = new byte[size];
        BitConverter.GetBytes(value).AsSpan(0, Math.Min(8, size)).CopyTo(bytes);
        return bytes;
    }

    private static byte[] Text(string value, int size)
    {
        var bytes = new byte[size];
        var encoded = Encoding.UTF8.GetBytes(value);
        encoded.AsSpan(0, Math.Min(encoded.Length, size - 1)).CopyTo(bytes);
        return bytes;
    }

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
