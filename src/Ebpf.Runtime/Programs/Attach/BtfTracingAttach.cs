using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// The attach shared by BTF-targeted programs (tp_btf, fentry, fexit, fmod_ret, lsm): the target was fixed at load
/// (attach_btf_id), so the link names none: BPF_LINK_CREATE with the program's expected attach type and target_btf_id 0,
/// or BPF_RAW_TRACEPOINT_OPEN with a null name on kernels whose BPF_LINK_CREATE does not take the type (as libbpf does).
/// </summary>
internal static class BtfTracingAttach
{
    public static BpfLink Attach(BpfProgram program, BpfAttachType attachType, ulong cookie, string target)
    {
        try
        {
            try
            {
                var request = new LinkCreateRequest(program.Fd, null, attachType) { TracingCookie = cookie };
                return new BpfLink(BpfSyscall.LinkCreate(request), program);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL && cookie == 0)
            {
                // tp_btf before 6.10, fentry/fexit/lsm before 5.10: only BPF_RAW_TRACEPOINT_OPEN attaches them.
                return new BpfLink(BpfSyscall.RawTracepointOpen(program.Fd, null), program);
            }
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.EBUSY or SyscallErrno.EEXIST => " The program is attached already (a BTF-targeted program attaches once; load it again for a second attachment).",
                _ when e.IsNotSupported => " This kernel cannot attach BPF trampolines here (the architecture's JIT or CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS lacks support).",
                SyscallErrno.EINVAL when cookie != 0 => " A cookie on this kind needs a newer kernel (fentry/fexit/lsm 6.0, tp_btf 6.10).",
                _ => "",
            };
            throw new BpfException($"program '{program.Name}' ({attachType}, section \"{program.SectionName}\") could not attach to {target}: {e.Message}{fix}", e);
        }
    }

    public static string Target(BpfProgram program, string what) =>
        program.Spec?.Definition?.AttachTarget is { Length: > 0 } t ? $"{what} '{t}'" : $"its {what} (set at load)";
}

/// <summary>
/// A BTF-typed tracing program: <c>tp_btf/NAME</c> (a tracepoint with typed arguments), <c>fentry/FUNC</c> and
/// <c>fexit/FUNC</c> (entry and exit of a kernel function, through a BPF trampoline), <c>fmod_ret/FUNC</c> (may
/// override the return of an error-injectable function), and their sleepable <c>.s</c> forms. The target was resolved to
/// a BTF id when the program was loaded, so <see cref="Attach"/> takes none.
/// </summary>
public sealed class TracingProgram
{
    internal TracingProgram(BpfProgram program, BpfAttachType attachType)
    {
        Program = program;
        AttachType = attachType;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>TraceRawTp (tp_btf), TraceFentry, TraceFexit or ModifyReturn.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>The function or tracepoint named in the section, or null.</summary>
    public string? Target => Program.Spec?.Definition?.AttachTarget;

    /// <summary>Attaches where the program was loaded for; <paramref name="cookie"/> is bpf_get_attach_cookie's value.</summary>
    public BpfLink Attach(ulong cookie = 0) => BtfTracingAttach.Attach(Program, AttachType, cookie,
        BtfTracingAttach.Target(Program, AttachType == BpfAttachType.TraceRawTp ? "BTF tracepoint" : "kernel function"));
}

/// <summary>
/// A BPF LSM program (<c>lsm/HOOK</c>, <c>lsm.s/HOOK</c>): runs at a security hook (bpf_lsm_HOOK) for every task and may
/// deny the operation by returning a negative errno. Needs "bpf" in the kernel's active LSMs (lsm= on the command line).
/// </summary>
public sealed class LsmProgram
{
    internal LsmProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The hook named in the section ("file_open"), or null.</summary>
    public string? Hook => Program.Spec?.Definition?.AttachTarget;

    /// <summary>Attaches to the LSM hook named in the section, system-wide.</summary>
    /// <param name="cookie">A value the program reads with <c>bpf_get_attach_cookie</c>.</param>
    public BpfLink Attach(ulong cookie = 0) => BtfTracingAttach.Attach(Program, BpfAttachType.LsmMac, cookie, BtfTracingAttach.Target(Program, "LSM hook"));
}
