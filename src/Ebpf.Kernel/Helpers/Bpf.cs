using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// Kernel helpers a program calls, each lowered to <c>call ID</c> (see <see cref="HelperAttribute"/>). Managed, they answer
/// from <see cref="ManagedKernel.Current"/>. Helpers that act on a context or a map are instance methods there
/// (<c>skb.LoadBytes</c>, <c>map.Update</c>); this class holds the others.
/// </summary>
public static partial class Bpf
{
    /// <summary>CLOCK_MONOTONIC in ns (bpf_ktime_get_ns).</summary>
    [Helper(5, "ktime_get_ns")]
    public static ulong KtimeGetNs() => ManagedKernel.Current.ReadClock();

    /// <summary>CLOCK_BOOTTIME in ns: counts suspend too (bpf_ktime_get_boot_ns).</summary>
    [Helper(125, "ktime_get_boot_ns")]
    public static ulong KtimeGetBootNs() => ManagedKernel.Current.ReadClock() + ManagedKernel.Current.SuspendedNs;

    /// <summary>CLOCK_MONOTONIC_COARSE in ns: cheaper, tick resolution (bpf_ktime_get_coarse_ns).</summary>
    [Helper(160, "ktime_get_coarse_ns")]
    public static ulong KtimeGetCoarseNs()
    {
        var k = ManagedKernel.Current;
        ulong tick = 1_000_000_000UL / k.Hz;
        return k.ReadClock() / tick * tick;
    }

    /// <summary>CLOCK_TAI in ns (bpf_ktime_get_tai_ns).</summary>
    [Helper(208, "ktime_get_tai_ns")]
    public static ulong KtimeGetTaiNs() => ManagedKernel.Current.ReadClock() + ManagedKernel.Current.TaiOffsetNs;

    /// <summary>The jiffies counter (bpf_jiffies64).</summary>
    [Helper(118, "jiffies64")]
    public static ulong Jiffies64() => ManagedKernel.Current.ReadClock() / (1_000_000_000UL / ManagedKernel.Current.Hz);

    /// <summary>A pseudo-random number, not for cryptography (bpf_get_prandom_u32); deterministic per <see cref="ManagedKernel.Seed"/> when managed.</summary>
    [Helper(7, "get_prandom_u32")]
    public static uint GetPrandomU32() => ManagedKernel.Current.NextRandom();

    /// <summary>The CPU running the program (bpf_get_smp_processor_id).</summary>
    [Helper(8, "get_smp_processor_id")]
    public static uint GetSmpProcessorId() => ManagedKernel.Current.Cpu;

    [Helper(42, "get_numa_node_id")]
    public static int GetNumaNodeId() => ManagedKernel.Current.NumaNode;

    /// <summary><c>tgid &lt;&lt; 32 | pid</c> of the current task: the process id is the high half (bpf_get_current_pid_tgid).</summary>
    [Helper(14, "get_current_pid_tgid")]
    public static ulong GetCurrentPidTgid() => (ulong)ManagedKernel.Current.Tgid << 32 | ManagedKernel.Current.Pid;

    /// <summary><c>gid &lt;&lt; 32 | uid</c> of the current task (bpf_get_current_uid_gid).</summary>
    [Helper(15, "get_current_uid_gid")]
    public static ulong GetCurrentUidGid() => (ulong)ManagedKernel.Current.Gid << 32 | ManagedKernel.Current.Uid;

    /// <summary>The current task's name, NUL-terminated and truncated to the buffer, normally 16 bytes (bpf_get_current_comm). 0, or -EINVAL for an empty buffer.</summary>
    [Helper(16, "get_current_comm")]
    public static int GetCurrentComm(Span<byte> buffer)
    {
        if (buffer.Length == 0) return -Errno.EINVAL;
        buffer.Clear();
        var comm = Encoding.ASCII.GetBytes(ManagedKernel.Current.Comm);
        comm.AsSpan(0, Math.Min(comm.Length, Math.Min(15, buffer.Length - 1))).CopyTo(buffer);
        return 0;
    }

    /// <summary>The cgroup v2 id of the current task (bpf_get_current_cgroup_id).</summary>
    [Helper(80, "get_current_cgroup_id")]
    public static ulong GetCurrentCgroupId() => ManagedKernel.Current.CgroupId;
}
