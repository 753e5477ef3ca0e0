using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A raw tracepoint program (section <c>raw_tp/NAME</c>, <c>raw_tracepoint/NAME</c>, or <c>.w</c> for writable
/// buffers): runs on a tracepoint with its raw arguments (<c>u64 args[]</c>) and no event record built.
/// </summary>
public sealed class RawTracepointProgram
{
    internal RawTracepointProgram(BpfProgram program)
    {
        Program = program;
        Name = program.Spec?.Definition?.AttachTarget is { Length: > 0 } t ? t : null;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The tracepoint the section names ("sched_switch" in <c>raw_tp/sched_switch</c>), or null.</summary>
    public string? Name { get; }

    /// <summary>Attaches to the tracepoint the section names.</summary>
    public BpfLink Attach(ulong cookie = 0) => Attach(Name ?? throw new BpfException(
        $"program '{Program.Name}' (section \"{Program.SectionName}\") names no raw tracepoint: pass one, e.g. Attach(\"sched_switch\"), or write SEC(\"raw_tp/sched_switch\")"), cookie);

    /// <summary>
    /// Attaches to raw tracepoint <paramref name="tracepoint"/> (the name without category: "sched_switch", "sys_enter")
    /// with BPF_RAW_TRACEPOINT_OPEN; a non-zero <paramref name="cookie"/> needs Linux 6.10.
    /// </summary>
    public BpfLink Attach(string tracepoint, ulong cookie = 0)
    {
        if (tracepoint.Contains('/'))
            throw new BpfException($"program '{Program.Name}': raw tracepoints are named without their category: '{tracepoint[(tracepoint.LastIndexOf('/') + 1)..]}', not '{tracepoint}'");
        try
        {
            return new BpfLink(BpfSyscall.RawTracepointOpen(Program.Fd, tracepoint, cookie), Program);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.ENOENT => $" No raw tracepoint '{tracepoint}' in this kernel: the names are those of tracefs events without the category (ls {TracePipe.TraceFsPath}/events/*/ lists them; sys_enter and sys_exit cover the syscalls).",
                SyscallErrno.EINVAL => cookie != 0 ? " A raw tracepoint cookie needs Linux 6.10." : " The program must be a raw_tracepoint program (section \"raw_tp/NAME\").",
                SyscallErrno.EACCES => " A writable (raw_tp.w) program reads past the tracepoint's writable buffer, or the tracepoint has none.",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' could not attach to raw tracepoint '{tracepoint}': {e.Message}{fix}", e);
        }
    }
}
