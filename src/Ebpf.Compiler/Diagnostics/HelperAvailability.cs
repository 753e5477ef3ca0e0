using Ebpf.Object.Sections;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>A kind of program as the kernel tells them apart for helpers: its type, and its expected attach type where that matters (null: the rest of the type).</summary>
internal readonly record struct ProgramKind(BpfProgramType Type, BpfAttachType? Attach) : IComparable<ProgramKind>
{
    public int CompareTo(ProgramKind other) => Type != other.Type ? Type.CompareTo(other.Type) : (Attach is null ? -1 : (int)Attach).CompareTo(other.Attach is null ? -1 : (int)other.Attach);

    public override string ToString() => Attach is { } a ? $"{Type} ({a})" : $"{Type}";
}

/// <summary>
/// Helpers of the kernel-side library that a kind of program may not call, as Linux answers "program of this type cannot
/// use helper" (or " supported only for fentry/"): a call to one is a build error instead of a
/// load-time refusal. Keyed by program type, and by attach type where one type's attach types differ (tracing: tp_btf,
/// iterators and the trampolines each get other helpers). Probed on Linux 6.18 by HelperAvailabilityTests, which fails
/// (printing the new table) when the running kernel disagrees. Kinds and helpers not listed are allowed, so a kernel that
/// allows more is never refused at build time by mistake.
/// </summary>
internal static class HelperAvailability
{
    public static readonly IReadOnlyDictionary<ProgramKind, int[]> Refused = new Dictionary<ProgramKind, int[]>
    {
        [new(BpfProgramType.SocketFilter, null)] = [27, 44, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.Kprobe, null)] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [new(BpfProgramType.SchedCls, null)] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 126, 127, 173, 174],
        [new(BpfProgramType.SchedAct, null)] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 126, 127, 173, 174],
        [new(BpfProgramType.Tracepoint, null)] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.Xdp, null)] = [26, 27, 46, 47, 59, 60, 63, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.PerfEvent, null)] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.CgroupSkb, null)] = [27, 44, 51, 59, 60, 63, 65, 67, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.CgroupSock, null)] = [26, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.LwtIn, null)] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.LwtOut, null)] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.LwtXmit, null)] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.SockOps, null)] = [26, 27, 44, 47, 51, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.SkSkb, null)] = [27, 44, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.CgroupDevice, null)] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
        [new(BpfProgramType.SkMsg, null)] = [26, 27, 44, 46, 47, 51, 59, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.RawTracepoint, null)] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.CgroupSockAddr, null)] = [26, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.LwtSeg6local, null)] = [27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.SkReuseport, null)] = [25, 27, 44, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.FlowDissector, null)] = [25, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 173, 174],
        [new(BpfProgramType.CgroupSysctl, null)] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 124, 126, 127, 173, 174],
        [new(BpfProgramType.RawTracepointWritable, null)] = [26, 44, 46, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.CgroupSockopt, null)] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
        [new(BpfProgramType.Tracing, null)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.Tracing, BpfAttachType.TraceIter)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 160, 173, 174],
        [new(BpfProgramType.SkLookup, null)] = [26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 101, 102, 103, 104, 126, 127, 173, 174],
        [new(BpfProgramType.Netfilter, null)] = [25, 26, 27, 44, 46, 47, 51, 59, 60, 63, 65, 67, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
        // From the kernel's source, not probed here (see FromSource):
        [new(BpfProgramType.Tracing, BpfAttachType.TraceFentry)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [new(BpfProgramType.Tracing, BpfAttachType.TraceFexit)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [new(BpfProgramType.Tracing, BpfAttachType.ModifyReturn)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160],
        [new(BpfProgramType.Lsm, null)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173],
        [new(BpfProgramType.Lsm, BpfAttachType.LsmCgroup)] = [26, 44, 47, 51, 59, 60, 63, 65, 79, 86, 101, 102, 103, 104, 124, 126, 127, 160, 173, 174],
    };

    /// <summary>
    /// Rows this kernel cannot probe (it refuses fentry, fexit, fmod_ret and LSM loads under lockdown), written from the
    /// kernel's source (kernel/trace/bpf_trace.c tracing_prog_func_proto, kernel/bpf/bpf_lsm.c bpf_lsm_func_proto):
    /// the trampolines (fentry, fexit, fmod_ret) have tp_btf's row without get_func_ip (173), which only a trampoline gets;
    /// an LSM hook refuses get_func_ip too (the verifier allows it to tracing and kprobes only), and an lsm_cgroup hook
    /// also get_attach_cookie (174), which needs a trampoline.
    /// </summary>
    public static readonly IReadOnlySet<ProgramKind> FromSource = new HashSet<ProgramKind>
    {
        new(BpfProgramType.Tracing, BpfAttachType.TraceFentry), new(BpfProgramType.Tracing, BpfAttachType.TraceFexit),
        new(BpfProgramType.Tracing, BpfAttachType.ModifyReturn), new(BpfProgramType.Lsm, null), new(BpfProgramType.Lsm, BpfAttachType.LsmCgroup),
    };

    /// <summary>Whether a program of this type and attach type may call the helper: its attach type's row if it has one, else its type's.</summary>
    public static bool Allows(BpfProgramType type, BpfAttachType? attach, int helper)
    {
        if (attach is { } a && Refused.TryGetValue(new(type, a), out var refused)) return !refused.Contains(helper);
        return !Refused.TryGetValue(new(type, null), out refused) || !refused.Contains(helper);
    }

    /// <summary>Whether the program in this section (its attach type from the section table) may call the helper.</summary>
    public static bool AllowsInSection(BpfProgramType type, string? section, int helper) => Allows(type, AttachTypeOf(section), helper);

    /// <summary>The kind for a message: the section's kind where it has its own row ("tp_btf", "iter"), else the program type.</summary>
    public static string KindName(BpfProgramType type, string? section) =>
        AttachTypeOf(section) is { } a && Refused.ContainsKey(new(type, a)) || type == BpfProgramType.Tracing && section is not null
            ? $"'{section!.Split('/')[0]}'"
            : type.ToString();

    private static BpfAttachType? AttachTypeOf(string? section) =>
        section is not null && SectionTable.TryResolve(section, out var entry, out _) ? entry!.ExpectedAttachType : null;

    /// <summary>Whether a verifier log refuses a helper to the program's kind (rather than its arguments).</summary>
    public static bool IsRefusal(string log) =>
        log.Contains("program of this type cannot use helper", StringComparison.Ordinal)
        || log.Contains(" supported only for fentry/", StringComparison.Ordinal)
        || log.Contains("not supported for program type", StringComparison.Ordinal);
}
