using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Explains an EPERM from BPF_PROG_LOAD while the process is privileged (CAP_BPF or CAP_SYS_ADMIN): then the kernel itself
/// refuses the program kind, and "run as root" would mislead. Programs on BPF trampolines (fentry, fexit, fmod_ret, lsm,
/// freplace) get the causes known for trampolines; other kinds the causes that apply to any program.
/// </summary>
internal static class KernelRefusal
{
    public static bool Applies(BpfSyscallException e) => e.Errno == SyscallErrno.EPERM && HasBpfCapability();

    /// <summary>The trampoline kind's name (fentry, fexit, fmod_ret, lsm, freplace), or null for programs that need no trampoline.</summary>
    public static string? TrampolineKind(BpfProgramType type, BpfAttachType? attachType) => type switch
    {
        BpfProgramType.Lsm => "lsm",
        BpfProgramType.Ext => "freplace",
        BpfProgramType.Tracing => attachType switch
        {
            BpfAttachType.TraceFentry => "fentry",
            BpfAttachType.TraceFexit => "fexit",
            BpfAttachType.ModifyReturn => "fmod_ret",
            _ => null,
        },
        _ => null,
    };

    public static string Explain(string program, string section, BpfProgramType type, BpfAttachType? attachType)
    {
        var lockdown = Lockdown();
        var lockdownCause = lockdown is null
            ? "kernel lockdown (securityfs's lockdown file could not be read to check)"
            : $"kernel lockdown: /sys/kernel/security/lockdown reads \"{lockdown}\"" +
              (lockdown.Contains("[none]") ? " (not the cause here)" : " (a locked-down or hardened kernel may refuse such programs)");
        var privileged = "although this process has CAP_BPF/CAP_SYS_ADMIN, so this is not a privilege problem";
        if (TrampolineKind(type, attachType) is not { } kind)
            return $"program '{program}' (section \"{section}\"): the kernel refused to load a {type} program with EPERM {privileged}: it refuses this program kind. " +
                $"Likely causes: {lockdownCause}; a security module (SELinux, AppArmor, BPF LSM) or the hypervisor's policy denying it; " +
                "a program type or helper this kernel allows only in other configurations.";
        var causes = new List<string>
        {
            lockdownCause,
            "no ftrace direct calls for trampolines (CONFIG_FUNCTION_TRACER, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) or ftrace disabled (sysctl kernel.ftrace_enabled)",
            "a security module or the hypervisor's policy refusing tracing programs",
        };
        if (type == BpfProgramType.Lsm)
            causes.Add("for LSM programs: \"bpf\" missing from the active LSMs (/sys/kernel/security/lsm; add lsm=...,bpf to the kernel command line)");
        var instead = type == BpfProgramType.Ext
            ? "Where the kernel allows no trampolines, choose the behaviour inside the program instead (a .rodata constant set before load, or a program array and bpf_tail_call)."
            : "Where the kernel allows no trampolines, trace with tp_btf (BTF-typed tracepoints), raw tracepoints or tracepoints instead.";
        return $"program '{program}' (section \"{section}\"): the kernel refused to load a BPF trampoline program ({kind}) with EPERM {privileged}. " +
            $"Likely causes: {string.Join("; ", causes)}. {instead}";
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
