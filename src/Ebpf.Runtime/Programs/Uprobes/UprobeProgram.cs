using Ebpf.Native;
using Ebpf.Object.Elf;

namespace Ebpf;

/// <summary>
/// A uprobe or uretprobe program (sections uprobe, uretprobe, their .s sleepable forms, and uprobe.multi /
/// uretprobe.multi): it runs when a process executes an instruction of a binary file, found by function name
/// (from .symtab, then .dynsym) or by file offset.
/// </summary>
public sealed class UprobeProgram
{
    internal UprobeProgram(BpfProgram program, bool declaredReturn)
    {
        Program = program;
        DeclaredReturn = declaredReturn;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>True when the section makes a return probe (uretprobe...).</summary>
    public bool DeclaredReturn { get; }

    /// <summary>True when the program was loaded for uprobe_multi links (BPF_TRACE_UPROBE_MULTI), which perf events refuse.</summary>
    public bool IsMulti => Program.ExpectedAttachType == BpfAttachType.TraceUprobeMulti;

    /// <summary>
    /// Probes function <paramref name="symbol"/> of <paramref name="binary"/> (a path, or a library name such as
    /// "libc.so.6"), <paramref name="offset"/> bytes into it, in process <paramref name="pid"/> or every process (-1).
    /// <paramref name="retprobe"/> overrides the section's kind; <paramref name="cookie"/> is what bpf_get_attach_cookie returns.
    /// </summary>
    public UprobeLink Attach(string binary, string symbol, int pid = -1, ulong offset = 0, bool? retprobe = null, ulong cookie = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        var path = BinaryLocator.Resolve(binary);
        var fileOffset = Resolve(path, symbol) + offset;
        return AttachAt(path, [fileOffset], [cookie], [0], pid, retprobe ?? DeclaredReturn, $"{symbol}{(offset == 0 ? "" : "+" + offset)}");
    }

    /// <summary>Probes the instruction at <paramref name="fileOffset"/> bytes into the file <paramref name="binary"/>.</summary>
    public UprobeLink Attach(string binary, ulong fileOffset, int pid = -1, bool? retprobe = null, ulong cookie = 0)
    {
        var path = BinaryLocator.Resolve(binary);
        return AttachAt(path, [fileOffset], [cookie], [0], pid, retprobe ?? DeclaredReturn, $"offset 0x{fileOffset:x}");
    }

    /// <summary>
    /// Probes every function in <paramref name="symbols"/> at once: one uprobe_multi link when the program was
    /// loaded from a uprobe.multi section, else one perf link per function. Cookie i belongs to symbol i.
    /// </summary>
    public UprobeLink AttachMany(string binary, IReadOnlyList<string> symbols, int pid = -1, bool? retprobe = null, IReadOnlyList<ulong>? cookies = null)
    {
        if (symbols is null || symbols.Count == 0)
            throw new BpfException($"program '{Program.Name}': AttachMany needs at least one symbol");
        if (cookies is not null && cookies.Count != symbols.Count)
            throw new BpfException($"program '{Program.Name}': {cookies.Count} cookies for {symbols.Count} symbols; give one per symbol");
        var path = BinaryLocator.Resolve(binary);
        var elf = Read(path);
        var offsets = symbols.Select(s => FunctionOffset(elf, path, s)).ToArray();
        return AttachAt(path, offsets, cookies?.ToArray() ?? new ulong[symbols.Count], new ulong[symbols.Count], pid, retprobe ?? DeclaredReturn, string.Join(", ", symbols));
    }

    /// <summary>Attaches to the functions <paramref name="symbols"/> of <paramref name="binary"/>, in every process that runs it.</summary>
    /// <exception cref="BpfException">The binary or a symbol is not found.</exception>
    public UprobeLink AttachMany(string binary, params string[] symbols) => AttachMany(binary, symbols, pid: -1);

    /// <summary>
    /// Probes each of <paramref name="offsets"/>, with its semaphore (reference counter) offset, or 0, and cookie;
    /// USDT attaches through here.
    /// </summary>
    internal UprobeLink AttachAt(string path, ulong[] offsets, ulong[] cookies, ulong[] refCtrOffsets, int pid, bool retprobe, string what)
    {
        var target = $"{path}:{what}{(pid > 0 ? $" in process {pid}" : "")}";
        if (IsMulti)
        {
            try
            {
                var hasRefs = refCtrOffsets.Any(r => r != 0);
                var link = BpfSyscall.LinkCreateUprobeMulti(Program.Fd, path, offsets, hasRefs ? refCtrOffsets : default, cookies, retprobe, pid);
                return new UprobeLink(Program, path, offsets, retprobe, pid, [new BpfLink(link, Program)], []);
            }
            catch (BpfSyscallException e)
            {
                throw Failure(target, e, multi: true);
            }
        }
        var links = new List<BpfLink>();
        var events = new List<PerfEventFd>();
        try
        {
            for (var i = 0; i < offsets.Length; i++)
            {
                // With no pid the event counts on one CPU for every process; the program still runs on every CPU.
                var perf = PerfEventFd.OpenProbe(UprobePmu.Type, path, offsets[i], UprobePmu.Config(retprobe, refCtrOffsets[i]),
                    $"a uprobe at {path} offset 0x{offsets[i]:x} for program '{Program.Name}'", pid > 0 ? pid : -1, pid > 0 ? -1 : 0);
                try
                {
                    links.Add(new BpfLink(BpfSyscall.LinkCreatePerfEvent(Program.Fd, perf, cookies[i]), Program));
                    perf.Dispose(); // the link holds the event
                }
                catch (BpfSyscallException e) when (e.Errno is SyscallErrno.EINVAL && cookies[i] == 0 && links.Count == 0 && events.Count == 0)
                {
                    // Before Linux 5.15 perf events take programs by ioctl; the event must then stay open.
                    perf.SetBpf(Program.Fd);
                    perf.Enable();
                    events.Add(perf);
                }
                catch
                {
                    perf.Dispose();
                    throw;
                }
            }
            return new UprobeLink(Program, path, offsets, retprobe, pid, links, events);
        }
        catch (BpfSyscallException e)
        {
            foreach (var l in links) l.Dispose();
            foreach (var ev in events) ev.Dispose();
            throw Failure(target, e, multi: false);
        }
    }

    private BpfException Failure(string target, BpfSyscallException e, bool multi)
    {
        var fix = e.Errno switch
        {
            SyscallErrno.ESRCH => "the process does not exist (check --pid).",
            SyscallErrno.ENOENT when multi => "the binary or the process does not exist.",
            SyscallErrno.EINVAL when multi => "the offsets must each point into the binary's executable code, and the kernel needs uprobe_multi (Linux 6.6+); a program not loaded from a uprobe.multi section cannot use it.",
            SyscallErrno.EINVAL => "the offset must point at an instruction in an executable segment of the file, a return probe takes none of a function's interior offsets, and a program loaded for uprobe.multi needs AttachMany.",
            _ when e.IsNotSupported => "this kernel cannot probe this binary here (CONFIG_UPROBES, or the file's filesystem).",
            _ => null,
        };
        return new BpfException($"program '{Program.Name}' could not attach a {(multi ? "uprobe_multi link" : "uprobe")} to {target}: {e.Message}{(fix is null ? "" : " Fix: " + fix)}", e);
    }

    // The ELF reader's messages start with the path; these add the program.
    private ElfBinary Read(string path)
    {
        try { return ElfBinary.Read(path); }
        catch (Object.InvalidObjectException e) { throw new BpfException($"program '{Program.Name}' cannot probe {e.Message}", e); }
    }

    private ulong Resolve(string path, string symbol) => FunctionOffset(Read(path), path, symbol);

    private ulong FunctionOffset(ElfBinary elf, string path, string symbol)
    {
        try { return elf.FunctionOffset(symbol); }
        catch (Object.InvalidObjectException e) { throw new BpfException($"program '{Program.Name}' cannot probe {e.Message}", e); }
    }
}
