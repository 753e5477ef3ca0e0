using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A program set on a perf event with PERF_EVENT_IOC_SET_BPF, on kernels without BPF_PERF_EVENT links (before 5.15):
/// the event descriptor holds the attachment, so Dispose disables and closes it. Such an attachment cannot be pinned.
/// </summary>
public sealed class PerfEventAttachment : BpfAttachment
{
    private readonly BpfProgram _program;

    internal PerfEventAttachment(PerfEventFd perfEvent, BpfProgram program, string target)
    {
        PerfEvent = perfEvent;
        _program = program;
        Target = target;
    }

    /// <summary>The perf event (kprobe, uprobe, tracepoint or counter) the program is attached to.</summary>
    public PerfEventFd PerfEvent { get; }

    /// <summary>What the event is ("tracepoint sched/sched_process_exec", "CPU 1 cpu-clock").</summary>
    public string Target { get; }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>Detaches the program and closes the perf event.</summary>
    public override void Dispose()
    {
        if (PerfEvent.IsClosed) return;
        try { PerfEvent.Disable(); }
        catch (BpfSyscallException) { /* closing detaches it anyway */ }
        PerfEvent.Dispose();
    }

    /// <summary>
    /// Attaches <paramref name="program"/> to an open perf event: a BPF_PERF_EVENT link where the kernel has them (the
    /// link holds the event, so the descriptor is closed here and the link alone can be pinned), else the ioctl.
    /// Takes ownership of <paramref name="perfEvent"/>.
    /// </summary>
    internal static BpfAttachment Attach(BpfProgram program, PerfEventFd perfEvent, ulong cookie, string target, string fix)
    {
        try
        {
            try
            {
                var link = BpfSyscall.LinkCreatePerfEvent(program.Fd, perfEvent, cookie);
                perfEvent.Dispose();
                return new BpfLink(link, program);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL && cookie == 0)
            {
                // Before 5.15 BPF_LINK_CREATE knows no BPF_PERF_EVENT: the old way, which has no cookie. A program of the
                // wrong type fails there too, with the same EINVAL.
            }
            perfEvent.SetBpf(program.Fd);
            perfEvent.Enable();
            return new PerfEventAttachment(perfEvent, program, target);
        }
        catch (BpfSyscallException e)
        {
            perfEvent.Dispose();
            throw new BpfException($"program '{program.Name}' ({program.Type}, section \"{program.SectionName}\") could not attach to {target}: {e.Message} {fix}", e);
        }
    }
}
