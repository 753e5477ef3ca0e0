namespace Ebpf;

/// <summary>The tracing kinds: tracepoints, raw tracepoints, BTF-typed tracing, LSM, kprobes and perf events.</summary>
public static partial class ProgramKinds
{
    /// <summary>A tracepoint program (<c>tracepoint/CATEGORY/NAME</c>, <c>tp/...</c>).</summary>
    public static TracepointProgram AsTracepoint(this BpfProgram program) =>
        program.Type == BpfProgramType.Tracepoint ? new TracepointProgram(program) : throw WrongKind(program, "a tracepoint program", "AsTracepoint");

    /// <summary>A raw tracepoint program (<c>raw_tp/NAME</c>, <c>raw_tracepoint/NAME</c>, writable <c>raw_tp.w/NAME</c>).</summary>
    public static RawTracepointProgram AsRawTracepoint(this BpfProgram program) =>
        program.Type is BpfProgramType.RawTracepoint or BpfProgramType.RawTracepointWritable
            ? new RawTracepointProgram(program) : throw WrongKind(program, "a raw tracepoint program", "AsRawTracepoint");

    /// <summary>
    /// A BTF-typed tracing program: <c>tp_btf</c>, <c>fentry</c>, <c>fexit</c>, <c>fmod_ret</c> (and <c>.s</c>).
    /// <paramref name="attachType"/> is needed only for a program opened without its section (a pin).
    /// </summary>
    public static TracingProgram AsTracing(this BpfProgram program, BpfAttachType? attachType = null)
    {
        if (program.Type == BpfProgramType.Lsm)
            throw new BpfException($"program '{program.Name}' is an LSM program (section \"{program.SectionName}\"): use AsLsm()");
        if (program.Type != BpfProgramType.Tracing)
            throw WrongKind(program, "a tracing program (tp_btf, fentry, fexit, fmod_ret)", "AsTracing");
        var type = attachType ?? program.ExpectedAttachType ?? throw new BpfException(
            $"program '{program.Name}' has no section to say whether it is tp_btf, fentry, fexit or fmod_ret: pass the attach type, e.g. AsTracing(BpfAttachType.TraceFentry)");
        return type is BpfAttachType.TraceRawTp or BpfAttachType.TraceFentry or BpfAttachType.TraceFexit or BpfAttachType.ModifyReturn
            ? new TracingProgram(program, type)
            : throw new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") is a tracing program of attach type {type}, " +
                "which AsTracing does not attach (iterators and freplace have views of their own)");
    }

    /// <summary>A BPF LSM program (<c>lsm/HOOK</c>, <c>lsm.s/HOOK</c>).</summary>
    public static LsmProgram AsLsm(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Lsm)
            throw WrongKind(program, "an LSM program", "AsLsm");
        if (program.ExpectedAttachType == BpfAttachType.LsmCgroup)
            throw new BpfException($"program '{program.Name}' is an lsm_cgroup program (section \"{program.SectionName}\"): it attaches to a cgroup, not globally");
        return new LsmProgram(program);
    }

    /// <summary>A kprobe program: <c>kprobe</c>, <c>kretprobe</c>, <c>ksyscall</c>, <c>kretsyscall</c>, <c>kprobe.multi</c>, <c>kretprobe.multi</c>.</summary>
    public static KprobeProgram AsKprobe(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Kprobe)
            throw WrongKind(program, "a kprobe program", "AsKprobe");
        if (program.Spec?.Definition?.Prefix is { } prefix && (prefix.StartsWith("uprobe", StringComparison.Ordinal)
            || prefix.StartsWith("uretprobe", StringComparison.Ordinal) || prefix.StartsWith("usdt", StringComparison.Ordinal)))
            throw new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") probes user space: attach it as a uprobe, not with AsKprobe");
        return new KprobeProgram(program);
    }

    /// <summary>A perf_event program (section <c>perf_event</c>).</summary>
    public static PerfEventProgram AsPerfEvent(this BpfProgram program) =>
        program.Type == BpfProgramType.PerfEvent ? new PerfEventProgram(program) : throw WrongKind(program, "a perf_event program", "AsPerfEvent");
}
