namespace Ebpf.Tests;

/// <summary>
/// Why kernel tests cannot run here, or null when they can: root, bpf(2) and BTF are needed.
/// With EBPF_REQUIRE_KERNEL=1 (as CI sets it) a missing kernel is a failure, never a skip.
/// </summary>
public static class KernelRequirement
{
    public static bool Required => Environment.GetEnvironmentVariable("EBPF_REQUIRE_KERNEL") == "1";

    public static string? Missing { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "kernel tests need Linux";
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("SUDO_UID") is null && !IsRoot()) return "kernel tests need root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)";
        if (!File.Exists("/sys/kernel/btf/vmlinux")) return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
        return null;
    }

    private static bool IsRoot()
    {
        try { return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:") && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0"); }
        catch (IOException) { return false; }
    }
}

/// <summary>A test that runs against the real kernel: skipped loudly where BPF is unavailable, failed instead when EBPF_REQUIRE_KERNEL=1.</summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelRequirement.Missing is { } why && !KernelRequirement.Required)
            Skip = $"KERNEL TEST SKIPPED: {why}. Set EBPF_REQUIRE_KERNEL=1 to make this a failure.";
    }
}

/// <summary>The theory form of <see cref="KernelFactAttribute"/>.</summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (KernelRequirement.Missing is { } why && !KernelRequirement.Required)
            Skip = $"KERNEL TEST SKIPPED: {why}. Set EBPF_REQUIRE_KERNEL=1 to make this a failure.";
    }
}
