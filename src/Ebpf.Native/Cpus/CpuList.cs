using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>CPU lists as sysfs writes them ("0-3,6"), the online CPUs, and the calling thread's CPU affinity.</summary>
public static unsafe class CpuList
{
    /// <summary>The sysfs file listing the online CPUs.</summary>
    public const string OnlinePath = "/sys/devices/system/cpu/online";

    /// <summary>The CPUs of a list such as "0-3,6,8-9", in ascending order.</summary>
    public static int[] Parse(string list)
    {
        var cpus = new List<int>();
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            int lo, hi;
            bool ok = dash < 0
                ? int.TryParse(part, out lo) & (hi = lo) >= 0
                : int.TryParse(part.AsSpan(0, dash), out lo) & int.TryParse(part.AsSpan(dash + 1), out hi);
            if (!ok || lo < 0 || hi < lo) throw new BpfException($"Cannot parse the CPU list '{list.Trim()}'.");
            for (int c = lo; c <= hi; c++) cpus.Add(c);
        }
        if (cpus.Count == 0) throw new BpfException($"Cannot parse the CPU list '{list.Trim()}': it names no CPU.");
        cpus.Sort();
        return cpus.ToArray();
    }

    /// <summary>The CPUs online now (read anew each time: CPUs can be taken offline and back).</summary>
    public static int[] Online() => Parse(File.ReadAllText(OnlinePath));

    private const int MaskWords = 16; // 1024 CPUs, glibc's cpu_set_t

    /// <summary>Restricts the calling thread to <paramref name="cpus"/> (sched_setaffinity of thread 0, i.e. this one).</summary>
    public static void SetCurrentThreadAffinity(params ReadOnlySpan<int> cpus)
    {
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        foreach (int cpu in cpus)
        {
            if ((uint)cpu >= MaskWords * 64) throw new BpfException($"CPU {cpu} is outside the affinity mask (0 to {MaskWords * 64 - 1}).");
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }
        if (LibC.SchedSetAffinity(0, MaskWords * 8, mask) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfSyscallException(null, "sched_setaffinity", errno, $"CPUs {string.Join(",", cpus.ToArray())}", null,
                errno == SyscallErrno.EINVAL ? "None of these CPUs is online or allowed for this process (cgroup cpuset)." : null);
        }
    }

    /// <summary>The CPUs the calling thread may run on.</summary>
    public static int[] GetCurrentThreadAffinity()
    {
        ulong* mask = stackalloc ulong[MaskWords];
        if (LibC.SchedGetAffinity(0, MaskWords * 8, mask) < 0)
            throw BpfErrors.FromPosix("sched_getaffinity", Marshal.GetLastPInvokeError(), null);
        var cpus = new List<int>();
        for (int i = 0; i < MaskWords * 64; i++)
            if ((mask[i / 64] & (1UL << (i % 64))) != 0) cpus.Add(i);
        return cpus.ToArray();
    }
}
