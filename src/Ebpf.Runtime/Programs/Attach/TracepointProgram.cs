using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A tracepoint program (section <c>tracepoint/CATEGORY/NAME</c> or <c>tp/...</c>): runs each time a static kernel
/// tracepoint fires, with the event's record as its context. Attached through a perf event on the tracepoint.
/// </summary>
public sealed class TracepointProgram
{
    internal TracepointProgram(BpfProgram program)
    {
        Program = program;
        Category = program.Spec?.Definition?.TracepointCategory;
        Name = program.Spec?.Definition?.TracepointName;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The category the section names ("sched" in <c>tracepoint/sched/sched_process_exec</c>), or null.</summary>
    public string? Category { get; }

    /// <summary>The tracepoint the section names, or null.</summary>
    public string? Name { get; }

    /// <summary>Attaches to the tracepoint the section names.</summary>
    public BpfAttachment Attach(ulong cookie = 0)
    {
        if (Category is null || Name is null)
            throw new BpfException($"program '{Program.Name}' (section \"{Program.SectionName}\") names no tracepoint: " +
                "pass one, e.g. Attach(\"sched\", \"sched_process_exec\"), or name it in the section: SEC(\"tracepoint/sched/sched_process_exec\")");
        return Attach(Category, Name, cookie);
    }

    /// <summary>Attaches to "category/name", e.g. "syscalls/sys_enter_openat".</summary>
    public BpfAttachment Attach(string categoryAndName, ulong cookie = 0)
    {
        var (category, name) = TraceFs.ParseTracepoint(categoryAndName);
        return Attach(category, name, cookie);
    }

    /// <summary>
    /// Attaches to tracepoint <paramref name="category"/>/<paramref name="name"/>; <paramref name="cookie"/> is what
    /// bpf_get_attach_cookie returns in the program (Linux 5.15+). Dispose detaches.
    /// </summary>
    public BpfAttachment Attach(string category, string name, ulong cookie = 0)
    {
        ulong id;
        try
        {
            id = TraceFs.TracepointId(category, name);
        }
        catch (BpfException e)
        {
            throw new BpfException($"program '{Program.Name}' cannot attach to tracepoint {category}/{name}: {e.Message}", e);
        }
        var target = $"tracepoint {category}/{name}";
        PerfEventFd perfEvent;
        try
        {
            // Any process, on CPU 0: a tracepoint event runs its program on whichever CPU the tracepoint fires.
            perfEvent = PerfEventFd.OpenTracepoint(id, target);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"program '{Program.Name}' cannot attach to {target}: {e.Message}", e);
        }
        return PerfEventAttachment.Attach(Program, perfEvent, cookie, target,
            "A tracepoint program (section \"tracepoint/CATEGORY/NAME\") is needed; bpf_cookie needs Linux 5.15.");
    }
}
