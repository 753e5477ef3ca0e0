using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// The kernel's kprobe PMU (/sys/bus/event_source/devices/kprobe): its perf event type, and the config bit that makes a
/// probe a return probe (format/retprobe reads "config:0"). It exists when the kernel has CONFIG_KPROBE_EVENTS.
/// </summary>
internal static class KprobePmu
{
    public const string Directory = "/sys/bus/event_source/devices/kprobe";

    public static bool Exists => File.Exists(Path.Combine(Directory, "type"));

    public static uint Type => uint.Parse(File.ReadAllText(Path.Combine(Directory, "type")).Trim());

    public static int RetprobeBit
    {
        get
        {
            var format = File.ReadAllText(Path.Combine(Directory, "format", "retprobe")).Trim(); // "config:0"
            return format.StartsWith("config:", StringComparison.Ordinal) && int.TryParse(format["config:".Length..], out int bit)
                ? bit : throw new BpfException($"{Directory}/format/retprobe reads '{format}', not config:BIT");
        }
    }

    /// <summary>The error for a kernel without kprobes, naming the options (and what the running kernel's config says of them).</summary>
    public static BpfException Missing(BpfProgram program, string target, bool multi)
    {
        var known = new[] { "CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", multi ? "CONFIG_FPROBE" : null }
            .Where(o => o is not null).Select(o => KernelConfig.Describe(o!)).Where(d => d.Length > 0).ToList();
        var config = known.Count > 0 ? $" (this kernel's config: {string.Join(", ", known)})" : "";
        var what = multi
            ? "this kernel has no kprobe_multi links: they need CONFIG_FPROBE (and CONFIG_KPROBES for the symbol checks)"
            : $"this kernel has no kprobes: {Directory} is absent, which needs CONFIG_KPROBES and CONFIG_KPROBE_EVENTS";
        return new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") cannot attach to {target}: {what}{config}. " +
            "Boot a kernel built with CONFIG_KPROBES=y, CONFIG_KPROBE_EVENTS=y" + (multi ? ", CONFIG_FPROBE=y" : "") +
            ", or trace with what this kernel has: fentry/fexit (BTF trampolines), tracepoints, raw tracepoints or tp_btf.");
    }
}
