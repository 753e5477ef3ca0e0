using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Ebpf.Native;
using Ebpf.Object.Sections;

namespace Ebpf;

/// <summary>
/// A kprobe program: <c>kprobe/FUNC[+OFFSET]</c>, <c>kretprobe/FUNC</c>, <c>ksyscall/NAME</c>, <c>kretsyscall/NAME</c>,
/// <c>kprobe.multi/PATTERN</c>, <c>kretprobe.multi/PATTERN</c>. Single probes are perf events on the kprobe PMU
/// (config1 = the function's name, config2 = the offset, the PMU's retprobe bit for return probes) linked with
/// BPF_PERF_EVENT; multi probes are one BPF_TRACE_KPROBE_MULTI link over many functions.
/// </summary>
public sealed partial class KprobeProgram
{
    internal KprobeProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    private SectionDefinition? Definition => Program.Spec?.Definition;

    /// <summary>Attaches where the section says (kprobe/, kretprobe/, ksyscall/, kretsyscall/, kprobe.multi/, kretprobe.multi/).</summary>
    public BpfAttachment Attach(ulong cookie = 0)
    {
        var prefix = Definition?.Prefix;
        var target = Definition?.AttachTarget;
        if (prefix is null || string.IsNullOrEmpty(target))
            throw new BpfException($"program '{Program.Name}' (section \"{Program.SectionName}\") names no function: pass one, e.g. Attach(\"do_unlinkat\"), or write SEC(\"kprobe/do_unlinkat\")");
        if (Definition!.AttachTargetError is { } error)
            throw new BpfException($"program '{Program.Name}' (section \"{Program.SectionName}\"): {error}");
        switch (prefix)
        {
            case "kprobe.multi" or "kretprobe.multi":
                return AttachMulti([target], prefix == "kretprobe.multi", cookie == 0 ? null : [cookie]);
            case "ksyscall" or "kretsyscall":
                return AttachSyscall(target, prefix == "kretsyscall", cookie);
            default:
                var plus = target.IndexOf('+');
                ulong offset = plus < 0 ? 0 : Convert.ToUInt64(target[(plus + 1)..], target[(plus + 1)..].StartsWith("0x") ? 16 : 10);
                return Attach(plus < 0 ? target : target[..plus], offset, prefix == "kretprobe", cookie);
        }
    }

    /// <summary>
    /// Probes kernel function <paramref name="function"/> at <paramref name="offset"/> bytes into it, or its return when
    /// <paramref name="retprobe"/>; <paramref name="cookie"/> is bpf_get_attach_cookie's value.
    /// </summary>
    public BpfAttachment Attach(string function, ulong offset = 0, bool retprobe = false, ulong cookie = 0)
    {
        var target = $"{(retprobe ? "the return of" : "kernel function")} '{function}'{(offset != 0 ? $"+{offset}" : "")}";
        if (retprobe && offset != 0)
            throw new BpfException($"program '{Program.Name}': a kretprobe attaches to a function's return, so it takes no offset ({function}+{offset})");
        if (!KprobePmu.Exists)
            throw KprobePmu.Missing(Program, target, multi: false);
        PerfEventFd perfEvent;
        try
        {
            ulong config = retprobe ? 1UL << KprobePmu.RetprobeBit : 0;
            perfEvent = PerfEventFd.OpenProbe(KprobePmu.Type, function, offset, config, target);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno == SyscallErrno.ENOENT || e.Errno == SyscallErrno.EINVAL
                ? $" No probeable function '{function}' (grep -w {function} /proc/kallsyms; inlined, static-duplicated and notrace functions cannot be probed)." : "";
            throw new BpfException($"program '{Program.Name}' cannot attach to {target}: {e.Message}{fix}", e);
        }
        return PerfEventAttachment.Attach(Program, perfEvent, cookie, target, "A kprobe program (section \"kprobe/FUNC\") is needed.");
    }

    /// <summary>Probes system call <paramref name="syscall"/> ("unlinkat") at its arch-specific entry (__x64_sys_unlinkat), or its return.</summary>
    public BpfAttachment AttachSyscall(string syscall, bool retprobe = false, ulong cookie = 0) =>
        Attach(SyscallFunction(syscall), 0, retprobe, cookie);

    /// <summary>
    /// One BPF_TRACE_KPROBE_MULTI link on every function in <paramref name="functions"/> (names, or patterns with * and ?
    /// matched against tracefs available_filter_functions), return probes when <paramref name="retprobe"/>.
    /// </summary>
    public BpfLink AttachMulti(IReadOnlyList<string> functions, bool retprobe = false, IReadOnlyList<ulong>? cookies = null)
    {
        var target = $"kernel functions {string.Join(", ", functions)} (kprobe_multi{(retprobe ? ", return" : "")})";
        // Without fprobe the kernel answers EOPNOTSUPP; say why before expanding patterns through tracefs.
        if (KernelConfig.Get("CONFIG_FPROBE") == "n")
            throw KprobePmu.Missing(Program, target, multi: true);
        var symbols = functions.Any(f => f.IndexOfAny(['*', '?']) >= 0) ? Expand(functions, target) : functions;
        try
        {
            return new BpfLink(BpfSyscall.LinkCreateKprobeMulti(Program.Fd, symbols, null, cookies, retprobe), Program);
        }
        catch (BpfSyscallException e) when (e.IsNotSupported)
        {
            throw KprobePmu.Missing(Program, target, multi: true);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.ESRCH or SyscallErrno.ENOENT => " A function is not in this kernel or cannot be probed (see available_filter_functions in tracefs).",
                SyscallErrno.EINVAL => " The program must be loaded as kprobe.multi (expected attach type BPF_TRACE_KPROBE_MULTI).",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' could not attach to {target}: {e.Message}{fix}", e);
        }
    }

    private List<string> Expand(IReadOnlyList<string> patterns, string target)
    {
        var file = Path.Combine(TraceFs.Root, "available_filter_functions");
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfException($"program '{Program.Name}' cannot attach to {target}: its patterns are matched against {file}, which cannot be read ({e.Message}); name the functions instead", e);
        }
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".") + "$")).ToList();
        // Lines read "name [module]"; a name listed twice (static functions of the same name) is probed once, as libbpf does.
        var names = lines.Select(l => l.Split(' ', '\t')[0]).Where(n => regexes.Any(r => r.IsMatch(n))).Distinct().ToList();
        return names.Count > 0 ? names
            : throw new BpfException($"program '{Program.Name}' cannot attach to {target}: no function in {file} matches");
    }

    /// <summary>
    /// The kernel symbol of a system call: kernels with syscall wrappers (x86-64 since 4.17, arm64, s390, riscv) name it
    /// with an arch prefix (__x64_sys_NAME); others plain sys_NAME. Checked in /proc/kallsyms, as libbpf checks for its
    /// __x64_sys_bpf (or sys_bpf).
    /// </summary>
    internal static string SyscallFunction(string syscall)
    {
        var prefix = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "__x64_sys_",
            Architecture.X86 => "__ia32_sys_",
            Architecture.Arm64 => "__arm64_sys_",
            Architecture.S390x => "__s390x_sys_",
            Architecture.RiscV64 => "__riscv_sys_",
            Architecture.Ppc64le => "sys_",
            Architecture.LoongArch64 => "sys_",
            _ => "sys_",
        };
        if (prefix != "sys_" && HasSymbol(prefix + "bpf"))
            return prefix + syscall;
        return "sys_" + syscall;
    }

    private static bool HasSymbol(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/kallsyms"))
            {
                // "ffffffff816f7bd0 T __x64_sys_unlinkat", module symbols with "\t[module]" after the name.
                var fields = line.Split([' ', '\t'], 4, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 3 && fields[2] == name) return true;
            }
        }
        catch (IOException) { }
        return false;
    }
}
