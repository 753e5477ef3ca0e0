using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A perf_event program (section <c>perf_event</c>): runs on each sample of a perf event, e.g. a CPU-clock sampler
/// for profiling. One event and one link per CPU (or per thread of a process), disposed together.
/// </summary>
public sealed class PerfEventProgram
{
    internal PerfEventProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>Opens the event of <paramref name="spec"/> on each CPU (or thread) and attaches the program to each.</summary>
    public PerfEventLinks Attach(PerfEventSpec spec, ulong cookie = 0)
    {
        if (spec.Frequency == 0 && spec.Period == 0)
            throw new BpfException($"program '{Program.Name}': {nameof(PerfEventSpec)} needs a Frequency or a Period, e.g. PerfEventSpec.CpuClock(frequency: 99)");
        var targets = spec.ProcessId is { } pid ? Threads(pid).Select(tid => (Pid: tid, Cpu: -1)).ToList()
            : (spec.Cpus ?? CpuList.Online()).Select(cpu => (Pid: -1, Cpu: cpu)).ToList();
        var attached = new List<BpfAttachment>(targets.Count);
        try
        {
            foreach (var (tid, cpu) in targets)
            {
                var target = tid >= 0 ? $"{spec} for thread {tid} of process {spec.ProcessId}" : $"{spec} on CPU {cpu}";
                PerfEventFd perfEvent;
                try
                {
                    perfEvent = PerfEventFd.OpenSampling((uint)spec.Kind, spec.Config, spec.Frequency, spec.Period, tid, cpu, target);
                }
                catch (BpfSyscallException e) when (tid >= 0 && e.Errno == SyscallErrno.ESRCH)
                {
                    continue; // the thread ended meanwhile
                }
                catch (BpfSyscallException e)
                {
                    throw new BpfException($"program '{Program.Name}' cannot attach to {target}: {e.Message}" +
                        (spec.Kind == PerfEventKind.Hardware && (e.Errno == SyscallErrno.ENOENT || e.IsNotSupported) ? " This machine exposes no hardware PMU for it (common in VMs): sample PerfEventSpec.CpuClock instead." : ""), e);
                }
                attached.Add(PerfEventAttachment.Attach(Program, perfEvent, cookie, target, "A perf_event program (section \"perf_event\") is needed."));
            }
        }
        catch
        {
            foreach (var a in attached) a.Dispose();
            throw;
        }
        if (attached.Count == 0)
            throw new BpfException($"program '{Program.Name}': nothing to attach to: {(spec.ProcessId is { } p ? $"process {p} has no threads (it ended?)" : "no CPUs given")}");
        return new PerfEventLinks(Program, attached);
    }

    private static List<int> Threads(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d))).ToList();
        }
        catch (DirectoryNotFoundException e)
        {
            throw new BpfException($"no process {pid} to sample", e);
        }
    }
}

/// <summary>The per-CPU (or per-thread) attachments of a perf_event program, detached together on Dispose.</summary>
public sealed class PerfEventLinks : BpfAttachment
{
    private readonly BpfProgram _program;

    internal PerfEventLinks(BpfProgram program, IReadOnlyList<BpfAttachment> attachments)
    {
        _program = program;
        Attachments = attachments;
    }

    /// <summary>One per CPU or thread: <see cref="BpfLink"/>s, or <see cref="PerfEventAttachment"/>s on kernels before 5.15.</summary>
    public IReadOnlyList<BpfAttachment> Attachments { get; }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>Pins each link as <paramref name="directory"/>/0, /1, ... on bpffs (the directory must exist).</summary>
    public void Pin(string directory)
    {
        for (int i = 0; i < Attachments.Count; i++)
            (Attachments[i] as BpfLink ?? throw new BpfException($"program '{Program.Name}': this kernel has no perf event links (5.15+), so the attachment cannot be pinned"))
                .Pin(Path.Combine(directory, i.ToString()));
    }

    /// <summary>Detaches the program from every CPU or thread.</summary>
    public override void Dispose()
    {
        foreach (var a in Attachments) a.Dispose();
    }
}
