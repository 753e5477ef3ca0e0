namespace Ebpf.Native;

/// <summary>
/// The kernel's possible CPUs (/sys/devices/system/cpu/possible), which sizes per-CPU map values: user space
/// reads and writes one 8-byte-aligned slot per possible CPU, online or not.
/// </summary>
public static class PossibleCpus
{
    /// <summary>The sysfs file listing the possible CPUs.</summary>
    public const string Path = "/sys/devices/system/cpu/possible";

    private static readonly Lazy<int> LazyCount = new(() => Parse(File.ReadAllText(Path)));

    /// <summary>Number of possible CPUs (the weight of the mask: "0-3,6" is 5).</summary>
    public static int Count => LazyCount.Value;

    /// <summary>Parses a CPU list such as "0-3,6,8-9".</summary>
    public static int Parse(string list)
    {
        int count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, out _)) throw Bad(list);
                count++;
            }
            else
            {
                if (!int.TryParse(part.AsSpan(0, dash), out int lo) || !int.TryParse(part.AsSpan(dash + 1), out int hi) || hi < lo) throw Bad(list);
                count += hi - lo + 1;
            }
        }
        if (count == 0) throw Bad(list);
        return count;
    }

    private static BpfException Bad(string list) => new($"Cannot parse the CPU list '{list.Trim()}' (from {Path}).");
}
