using Ebpf.Native;
using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>
/// An attachment made with BPF_PROG_ATTACH (cgroups in single and override modes, sockmaps before 6.10, kernels without links):
/// it belongs to the target, so Dispose detaches it explicitly with BPF_PROG_DETACH.
/// </summary>
public sealed class ProgramAttachment : BpfAttachment
{
    private readonly SafeHandle _target;
    private readonly BpfProgramFd _programFd;
    private readonly BpfProgram _program;
    private bool _detached;

    /// <param name="ownedTarget">
    /// A descriptor of the target (a cgroup, a sockmap) that the attachment owns and closes: a duplicate, never the
    /// path opened again, so a cgroup removed and replaced at its path meanwhile is still the one detached from.
    /// </param>
    /// <param name="program">The program attached.</param>
    /// <param name="attachType">The attach type it was attached with.</param>
    internal ProgramAttachment(SafeHandle ownedTarget, BpfProgram program, BpfAttachType attachType)
    {
        // Hold our own descriptors: the attachment must be able to detach even after the caller disposed theirs.
        _target = ownedTarget;
        _programFd = (BpfProgramFd)program.Fd.Duplicate();
        _program = program;
        AttachType = attachType;
    }

    /// <summary>The attach type the program was attached with.</summary>
    public BpfAttachType AttachType { get; }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>Detaches the program with BPF_PROG_DETACH and closes the target's descriptor.</summary>
    public override void Dispose()
    {
        if (_detached)
            return;
        _detached = true;
        try
        {
            BpfSyscall.ProgDetach(_target, _programFd, AttachType);
        }
        catch (BpfSyscallException e) when (e.ErrnoName == "ENOENT")
        {
            // Already detached by someone else (or replaced in single mode): nothing left to do.
        }
        finally
        {
            _programFd.Dispose();
            _target.Dispose();
        }
    }
}
