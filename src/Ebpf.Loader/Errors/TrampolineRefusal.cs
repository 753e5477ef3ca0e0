using Ebpf.Native;
using Ebpf.Object.Sections;

namespace Ebpf;

/// <summary>
/// Explains an EPERM from BPF_PROG_LOAD for a program that runs on a BPF trampoline (fentry, fexit, fmod_ret, lsm) when
/// the process is privileged: then the kernel itself refuses trampolines, and "run as root" would mislead.
/// </summary>
internal static class TrampolineRefusal
{
    public static bool Applies(SectionDefinition definition, BpfSyscallException e) =>
        e.Errno == Errno.EPERM && IsTrampoline(definition) && HasBpfCapability();

    public static bool IsTrampoline(SectionDefinition d) =>
        d.ProgramType == BpfProgramType.Lsm
        || (d.ProgramType == BpfProgramType.Tracing && d.ExpectedAttachType is BpfAttachType.TraceFentry or BpfAttachType.TraceFexit or BpfAttachType.ModifyReturn);

    public static string Explain(string program, SectionDefinition d)
    {
        var lockdown = Lockdown();
        var causes = new List<string>
        {
            lockdown is null
                ? "kernel lockdown (securityfs's lockdown file could not be read to check)"
                : $"kernel lockdown: /sys/kernel/security/lockdown reads \"{lockdown}\"" +
                  (lockdown.Contains("[none]") ? " (not the cause here)" : " (a locked-down or hardened kernel may refuse BPF trampolines)"),
            "no ftrace direct calls for trampolines (CONFIG_FUNCTION_TRACER, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) or ftrace disabled (sysctl kernel.ftrace_enabled)",
            "a security module or the hypervisor's policy refusing tracing programs",
        };
        if (d.ProgramType == BpfProgramType.Lsm)
            causes.Add("for LSM programs: \"bpf\" missing from the active LSMs (/sys/kernel/security/lsm; add lsm=...,bpf to the kernel command line)");
        return $"program '{program}' (section \"{d.Section}\"): the kernel refused to load a BPF trampoline program ({d.Prefix}) with EPERM " +
            $"although this process has CAP_BPF/CAP_SYS_ADMIN, so this is not a privilege problem. Likely causes: {string.Join("; ", causes)}. " +
            "Where the kernel allows no trampolines, trace with tp_btf (BTF-typed tracepoints), raw tracepoints or tracepoints instead.";
    }

    /// <summary>The lockdown mode line ("none [integrity] confidentiality"), mounting securityfs if it is not yet mounted.</summary>
    private static string? Lockdown()
    {
        const string dir = "/sys/kernel/security", file = dir + "/lockdown";
        try
        {
            if (!File.Exists(file) && Directory.Exists(dir) && !Mounts.IsMounted(dir, "securityfs"))
                Mounts.Mount("securityfs", dir, "securityfs");
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BpfException)
        {
            return null;
        }
    }

    /// <summary>CAP_BPF (39) or CAP_SYS_ADMIN (21) in the effective set, from /proc/self/status.</summary>
    private static bool HasBpfCapability()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            if (line is null) return false;
            var caps = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
            return (caps & (1UL << 39)) != 0 || (caps & (1UL << 21)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
