namespace Ebpf;

/// <summary>
/// The kernel's uprobe PMU as sysfs describes it: its dynamic perf event type, and which config bits make a
/// return probe and hold the semaphore (reference counter) offset. Read once; the values do not change at run time.
/// </summary>
internal static class UprobePmu
{
    private const string Root = "/sys/bus/event_source/devices/uprobe";

    private static readonly Lazy<(uint Type, int RetprobeBit, int RefCtrShift)> Values = new(Read);

    public static uint Type => Values.Value.Type;

    /// <summary>The perf_event_attr.config of a probe: the retprobe bit, and the semaphore offset in the bits sysfs names.</summary>
    public static ulong Config(bool retprobe, ulong refCtrOffset)
    {
        var (_, bit, shift) = Values.Value;
        if (refCtrOffset != 0 && shift < 0)
            throw new BpfException("this kernel's uprobe PMU has no ref_ctr_offset (Linux 4.20+): USDT semaphores cannot be set by the kernel");
        return (retprobe ? 1UL << bit : 0) | (refCtrOffset << Math.Max(shift, 0));
    }

    private static (uint, int, int) Read()
    {
        string type;
        try { type = File.ReadAllText($"{Root}/type").Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfException($"this kernel has no uprobe PMU ({Root}/type: {e.Message}); uprobes need CONFIG_UPROBE_EVENTS=y (Linux 4.17+ for perf-based uprobes)", e);
        }
        return (uint.Parse(type), FormatBit("retprobe") ?? 0, FormatBit("ref_ctr_offset") ?? -1);
    }

    // A format file reads "config:0" or "config:32-63": the first bit of the field.
    private static int? FormatBit(string name)
    {
        var path = $"{Root}/format/{name}";
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        var colon = text.IndexOf(':');
        var bits = text[(colon + 1)..].Split('-')[0];
        return text.StartsWith("config:", StringComparison.Ordinal) && int.TryParse(bits, out var bit) ? bit
            : throw new BpfException($"{path} reads \"{text}\", not config:BIT as expected");
    }
}
