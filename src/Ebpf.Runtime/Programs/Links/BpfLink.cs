using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF link (BPF_LINK_CREATE): the attachment is a kernel object of its own, detached when its last
/// descriptor closes and no pin holds it; its program can be swapped atomically with <see cref="Update"/>.
/// </summary>
public sealed class BpfLink : BpfAttachment
{
    private BpfProgram _program;

    internal BpfLink(BpfLinkFd fd, BpfProgram program)
    {
        Fd = fd;
        _program = program;
    }

    /// <summary>The link's descriptor; the program stays attached while it (or a pin) is open.</summary>
    public BpfLinkFd Fd { get; }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>The kernel's description of the link (id, type, program id, target); each read queries the kernel.</summary>
    public BpfLinkInfo Info => BpfSyscall.GetLinkInfo(Fd);

    /// <summary>Pins the link on bpffs: the program stays attached after this process exits, until the pin file is removed.</summary>
    public void Pin(string path) => BpfSyscall.ObjPin(Fd, path);

    /// <summary>Opens a pinned link; disposing the result does not detach it while the pin exists.</summary>
    public static BpfLink OpenPinned(string path, BpfProgram program) => new(BpfSyscall.ObjGetLink(path), program);

    /// <summary>Replaces the attached program atomically: every packet or event is seen by the old or the new one.</summary>
    public void Update(BpfProgram program)
    {
        BpfSyscall.LinkUpdate(Fd, program.Fd, _program.Fd);
        _program = program;
    }

    /// <summary>Detaches now, even if the link is pinned elsewhere.</summary>
    public void Detach() => BpfSyscall.LinkDetach(Fd);

    /// <summary>Closes the link's descriptor, which detaches the program unless the link is pinned.</summary>
    public override void Dispose() => Fd.Dispose();
}
