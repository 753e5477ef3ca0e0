namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Helpers of the kernel-side library that a program type may not call, as Linux answers "program of this type cannot
/// use helper": a call to one is a build error instead of a load-time refusal. Probed on Linux 6.18 by
/// HelperAvailabilityTests, which fails (printing the new table) when the running kernel disagrees. Types and helpers
/// not listed are allowed, so a kernel that allows more is never refused at build time by mistake.
/// </summary>
internal static class HelperAvailability
{
    public static readonly IReadOnlyDictionary<BpfProgramType, int[]> Refused = new Dictionary<BpfProgramType, int[]>
    {
        [BpfProgramType.SocketFilter] = [27, 44, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.Kprobe] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [BpfProgramType.SchedCls] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 126, 127, 173, 174],
        [BpfProgramType.SchedAct] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 126, 127, 173, 174],
        [BpfProgramType.Tracepoint] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [BpfProgramType.Xdp] = [26, 27, 46, 47, 59, 60, 63, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.PerfEvent] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [BpfProgramType.CgroupSkb] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.CgroupSock] = [26, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.LwtIn] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.LwtOut] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.LwtXmit] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.SockOps] = [26, 27, 44, 47, 51, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.SkSkb] = [27, 44, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.CgroupDevice] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
        [BpfProgramType.SkMsg] = [26, 27, 44, 46, 47, 51, 59, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.RawTracepoint] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [BpfProgramType.CgroupSockAddr] = [26, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.LwtSeg6local] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.SkReuseport] = [25, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.FlowDissector] = [25, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [BpfProgramType.CgroupSysctl] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 124, 126, 127, 173, 174],
        [BpfProgramType.RawTracepointWritable] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [BpfProgramType.CgroupSockopt] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
        [BpfProgramType.SkLookup] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 126, 127, 173, 174],
        [BpfProgramType.Netfilter] = [25, 26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
    };

    public static bool Allows(BpfProgramType type, int helper) => !Refused.TryGetValue(type, out var refused) || !refused.Contains(helper);
}
