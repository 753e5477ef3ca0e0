using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An freplace (extension) program (section <c>freplace/FUNCTION</c>): it replaces a global function of another loaded
/// program, which keeps running with the extension's code in that function's place until the link is disposed. It is
/// loaded against its target (<c>options.Program(name).AttachTarget(target, "function")</c>), and runs on a BPF
/// trampoline, so kernels that refuse trampolines refuse it at load.
/// </summary>
public sealed class ExtensionProgram
{
    internal ExtensionProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>Replaces the function the program was loaded against (BPF_LINK_CREATE with no target, as libbpf does without one).</summary>
    public BpfLink Attach() => BtfTracingAttach.Attach(Program, default, 0, "the function of the program it was loaded against");

    /// <summary>
    /// Replaces global function <paramref name="function"/> of <paramref name="target"/>, which may be another program
    /// than the one this was loaded against if the function has the same signature (BPF_LINK_CREATE with target_fd and target_btf_id).
    /// </summary>
    public BpfLink Attach(BpfProgram target, string function)
    {
        var btfId = target.FunctionBtfId(function);
        try
        {
            return new BpfLink(BpfSyscall.LinkCreate(new LinkCreateRequest(Program.Fd, target.Fd, default) { TargetBtfId = btfId }), Program);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.EINVAL => " The function's signature must match the one the extension was loaded against, and the target must be a program with BTF.",
                SyscallErrno.EBUSY or SyscallErrno.EEXIST => " That function is replaced already.",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' (freplace) could not replace function '{function}' of program '{target.Name}': {e.Message}{fix}", e);
        }
    }
}
