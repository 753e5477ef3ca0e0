namespace Ebpf.Kernel;

// Tracing kinds name their attach point in the section ("tracepoint/sched/sched_switch"), so the point is checked here:
// an empty or malformed one would otherwise surface only when attaching.

/// <summary>A tracepoint program: <c>[TracePoint("sched", "sched_switch")]</c> → "tracepoint/sched/sched_switch" ("tracepoint.s/..." when sleepable).</summary>
public sealed class TracePointAttribute : ProgramAttribute
{
    public TracePointAttribute(string category, string name)
    {
        Category = CheckName(category, "TracePoint", nameof(category), "tracepoint category");
        Name = CheckName(name, "TracePoint", nameof(name), "tracepoint name");
    }

    public string Category { get; }
    public string Name { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("tracepoint", Sleepable)}/{Category}/{Name}";
}

/// <summary>A raw tracepoint: "raw_tracepoint/NAME"; "raw_tracepoint.w/NAME" when <see cref="Writable"/>, "raw_tracepoint.s/NAME" when <see cref="Sleepable"/>.</summary>
public sealed class RawTracePointAttribute : ProgramAttribute
{
    private bool _writable, _sleepable;

    public RawTracePointAttribute(string name) => Name = CheckName(name, "RawTracePoint", nameof(name), "tracepoint name");

    public string Name { get; }

    /// <summary>The program may write the tracepoint's arguments (BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE).</summary>
    public bool Writable
    {
        get => _writable;
        set => _writable = value && _sleepable ? throw Both() : value;
    }

    public bool Sleepable
    {
        get => _sleepable;
        set => _sleepable = value && _writable ? throw Both() : value;
    }

    public override string Section => $"{(Writable ? "raw_tracepoint.w" : Sleepy("raw_tracepoint", Sleepable))}/{Name}";

    private static ArgumentException Both() =>
        new("[RawTracePoint] cannot be both Writable and Sleepable: libbpf has no such section; choose one.");
}

/// <summary>A BTF-typed raw tracepoint: "tp_btf/NAME" ("tp_btf.s/NAME" when sleepable); arguments typed by the kernel's BTF.</summary>
public sealed class TpBtfAttribute : ProgramAttribute
{
    public TpBtfAttribute(string name) => Name = CheckName(name, "TpBtf", nameof(name), "tracepoint name");

    public string Name { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("tp_btf", Sleepable)}/{Name}";
}

/// <summary>Common shape of the trampoline kinds: a prefix, a kernel function and an optional ".s".</summary>
public abstract class TrampolineAttribute : ProgramAttribute
{
    private protected TrampolineAttribute(string function, string attribute) =>
        Function = CheckName(function, attribute, nameof(function), "kernel function name");

    /// <summary>The kernel (or BPF program) function attached to, resolved through BTF at load.</summary>
    public string Function { get; }
    public bool Sleepable { get; set; }

    private protected abstract string Prefix { get; }

    public override string Section => $"{Sleepy(Prefix, Sleepable)}/{Function}";
}

/// <summary>On entry to a kernel function: "fentry/FUNCTION".</summary>
public sealed class FEntryAttribute(string function) : TrampolineAttribute(function, "FEntry")
{
    private protected override string Prefix => "fentry";
}

/// <summary>On exit of a kernel function, seeing its return value: "fexit/FUNCTION".</summary>
public sealed class FExitAttribute(string function) : TrampolineAttribute(function, "FExit")
{
    private protected override string Prefix => "fexit";
}

/// <summary>Replaces the return value of an error-injectable kernel function: "fmod_ret/FUNCTION".</summary>
public sealed class FModRetAttribute(string function) : TrampolineAttribute(function, "FModRet")
{
    private protected override string Prefix => "fmod_ret";
}

/// <summary>Replaces a global function of another BPF program: "freplace/FUNCTION".</summary>
public sealed class FReplaceAttribute : ProgramAttribute
{
    public FReplaceAttribute(string function) => Function = CheckName(function, "FReplace", nameof(function), "function name");

    public string Function { get; }

    public override string Section => $"freplace/{Function}";
}

/// <summary>A BPF LSM program on a security hook: "lsm/HOOK" ("lsm.s/HOOK" when sleepable); returns 0 or a negative errno.</summary>
public sealed class LsmAttribute : ProgramAttribute
{
    public LsmAttribute(string hook) => Hook = CheckName(hook, "Lsm", nameof(hook), "LSM hook name");

    public string Hook { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("lsm", Sleepable)}/{Hook}";
}

/// <summary>A BPF LSM program for one cgroup: "lsm_cgroup/HOOK".</summary>
public sealed class LsmCgroupAttribute : ProgramAttribute
{
    public LsmCgroupAttribute(string hook) => Hook = CheckName(hook, "LsmCgroup", nameof(hook), "LSM hook name");

    public string Hook { get; }

    public override string Section => $"lsm_cgroup/{Hook}";
}

/// <summary>A BPF iterator: "iter/TARGET" such as "iter/task" ("iter.s/TARGET" when sleepable).</summary>
public sealed class IterAttribute : ProgramAttribute
{
    public IterAttribute(string target) => Target = CheckName(target, "Iter", nameof(target), "iterator target");

    public string Target { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("iter", Sleepable)}/{Target}";
}

/// <summary>A kprobe: "kprobe" (target set at attach) or "kprobe/FUNCTION[+OFFSET]".</summary>
public sealed class KProbeAttribute : ProgramAttribute
{
    public KProbeAttribute() { }

    public KProbeAttribute(string function, long offset = 0)
    {
        Function = CheckName(function, "KProbe", nameof(function), "kernel function name");
        Offset = offset >= 0 ? offset : throw new ArgumentOutOfRangeException(nameof(offset), offset, "[KProbe] offset must be 0 or positive: it counts bytes into the function.");
    }

    public string? Function { get; }
    public long Offset { get; }

    public override string Section => Function is null ? "kprobe" : Offset == 0 ? $"kprobe/{Function}" : $"kprobe/{Function}+{Offset}";
}

/// <summary>A kretprobe: "kretprobe" or "kretprobe/FUNCTION".</summary>
public sealed class KRetProbeAttribute : ProgramAttribute
{
    public KRetProbeAttribute() { }

    public KRetProbeAttribute(string function) => Function = CheckName(function, "KRetProbe", nameof(function), "kernel function name");

    public string? Function { get; }

    public override string Section => Function is null ? "kretprobe" : $"kretprobe/{Function}";
}

/// <summary>A kprobe on every function matching a glob: "kprobe.multi/PATTERN" ("kretprobe.multi/PATTERN" with <see cref="Return"/>).</summary>
public sealed class KProbeMultiAttribute : ProgramAttribute
{
    public KProbeMultiAttribute(string pattern) =>
        Pattern = CheckName(pattern, "KProbeMulti", nameof(pattern), "function pattern", allowPattern: true);

    public string Pattern { get; }
    public bool Return { get; set; }

    public override string Section => $"{(Return ? "kretprobe.multi" : "kprobe.multi")}/{Pattern}";
}

/// <summary>A kprobe on a system call by its name, across architectures: "ksyscall/NAME" ("kretsyscall/NAME" with <see cref="Return"/>).</summary>
public sealed class KSyscallAttribute : ProgramAttribute
{
    public KSyscallAttribute(string name) => Name = CheckName(name, "KSyscall", nameof(name), "system call name");

    public string Name { get; }
    public bool Return { get; set; }

    public override string Section => $"{(Return ? "kretsyscall" : "ksyscall")}/{Name}";
}

/// <summary>A uprobe: "uprobe" (target set at attach) or "uprobe/PATH:FUNCTION[+OFFSET]"; "uprobe.s/..." when sleepable.</summary>
public sealed class UProbeAttribute : ProgramAttribute
{
    public UProbeAttribute() { }

    public UProbeAttribute(string binaryPath, string function, long offset = 0)
    {
        BinaryPath = CheckPath(binaryPath, "UProbe", nameof(binaryPath));
        Function = CheckName(function, "UProbe", nameof(function), "function name");
        Offset = offset >= 0 ? offset : throw new ArgumentOutOfRangeException(nameof(offset), offset, "[UProbe] offset must be 0 or positive.");
    }

    public string? BinaryPath { get; }
    public string? Function { get; }
    public long Offset { get; }
    public bool Sleepable { get; set; }

    public override string Section =>
        BinaryPath is null ? Sleepy("uprobe", Sleepable)
        : $"{Sleepy("uprobe", Sleepable)}/{BinaryPath}:{Function}{(Offset == 0 ? "" : "+" + Offset)}";
}

/// <summary>A uretprobe: "uretprobe" or "uretprobe/PATH:FUNCTION"; "uretprobe.s/..." when sleepable.</summary>
public sealed class URetProbeAttribute : ProgramAttribute
{
    public URetProbeAttribute() { }

    public URetProbeAttribute(string binaryPath, string function)
    {
        BinaryPath = CheckPath(binaryPath, "URetProbe", nameof(binaryPath));
        Function = CheckName(function, "URetProbe", nameof(function), "function name");
    }

    public string? BinaryPath { get; }
    public string? Function { get; }
    public bool Sleepable { get; set; }

    public override string Section => BinaryPath is null ? Sleepy("uretprobe", Sleepable) : $"{Sleepy("uretprobe", Sleepable)}/{BinaryPath}:{Function}";
}

/// <summary>A USDT probe: "usdt/PATH:PROVIDER:NAME" ("usdt.s/..." when sleepable).</summary>
public sealed class UsdtAttribute : ProgramAttribute
{
    public UsdtAttribute(string binaryPath, string provider, string name)
    {
        BinaryPath = CheckPath(binaryPath, "Usdt", nameof(binaryPath));
        Provider = CheckName(provider, "Usdt", nameof(provider), "USDT provider");
        Name = CheckName(name, "Usdt", nameof(name), "USDT probe name");
    }

    public string BinaryPath { get; }
    public string Provider { get; }
    public string Name { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("usdt", Sleepable)}/{BinaryPath}:{Provider}:{Name}";
}

/// <summary>A perf event program ("perf_event"), attached to a perf event fd.</summary>
public sealed class PerfEventAttribute : ProgramAttribute
{
    public override string Section => "perf_event";
}

/// <summary>A syscall program ("syscall"): run with BPF_PROG_RUN, may call bpf(2) itself; always sleepable.</summary>
public sealed class SyscallAttribute : ProgramAttribute
{
    public override string Section => "syscall";
}

/// <summary>A member of a struct_ops map: "struct_ops/MEMBER" ("struct_ops.s/MEMBER" when sleepable).</summary>
public sealed class StructOpsAttribute : ProgramAttribute
{
    public StructOpsAttribute(string member) => Member = CheckName(member, "StructOps", nameof(member), "struct_ops member name");

    public string Member { get; }
    public bool Sleepable { get; set; }

    public override string Section => $"{Sleepy("struct_ops", Sleepable)}/{Member}";
}
