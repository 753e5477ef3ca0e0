namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Helpers of the kernel-side library that a program type may not call, as Linux answers "program of this type cannot
/// use helper": a call to one is a build error instead of a load-time refusal. Probed on Linux 6.18 by
/// HelperAvailabilityTests, which fails (printing the new table) when the running kernel disagrees. Types and helpers
/// not listed are allowed, so a kernel that allows more is never refused at build time by mistake.
/// </summary>
public static class HelperAvailability
{
    public static readonly IReadOnlyDictionary<BpfProgramType, int[]> Refused = new Dictionary<BpfProgramType, int[]>
    {
        [BpfProgramType.SocketFilter] = [44, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.Kprobe] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.SchedCls] = [44, 51, 59, 65, 101, 102, 103, 104],
        [BpfProgramType.SchedAct] = [44, 51, 59, 65, 101, 102, 103, 104],
        [BpfProgramType.Tracepoint] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.Xdp] = [26, 46, 47, 59, 79, 101, 102, 103, 104],
        [BpfProgramType.PerfEvent] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.CgroupSkb] = [44, 51, 59, 65, 101, 102, 103, 104],
        [BpfProgramType.CgroupSock] = [26, 44, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.LwtIn] = [44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.LwtOut] = [44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.LwtXmit] = [44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.SockOps] = [26, 44, 47, 51, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.SkSkb] = [44, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.CgroupDevice] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.SkMsg] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.RawTracepoint] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.CgroupSockAddr] = [26, 44, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.LwtSeg6local] = [44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.SkReuseport] = [25, 44, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.FlowDissector] = [25, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.CgroupSysctl] = [26, 44, 46, 47, 51, 59, 65, 79],
        [BpfProgramType.RawTracepointWritable] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.CgroupSockopt] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
        [BpfProgramType.SkLookup] = [26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104],
        [BpfProgramType.Netfilter] = [25, 26, 44, 46, 47, 51, 59, 65, 79, 101, 102, 103, 104, 160],
    };

    public static bool Allows(BpfProgramType type, int helper) => !Refused.TryGetValue(type, out var refused) || !refused.Contains(helper);
}
