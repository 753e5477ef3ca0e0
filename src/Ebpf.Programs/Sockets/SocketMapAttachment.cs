using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An sk_msg or sk_skb program attached to a sockmap or sockhash with BPF_PROG_ATTACH (kernels before 6.10, which
/// have no sockmap links): the map holds the program, so Dispose detaches it with BPF_PROG_DETACH.
/// </summary>
public sealed class SocketMapAttachment : BpfAttachment
{
    private readonly BpfMapFd _map;
    private readonly BpfProgramFd _programFd;
    private readonly BpfProgram _program;
    private bool _detached;

    internal SocketMapAttachment(BpfMap map, BpfProgram program, BpfAttachType attachType)
    {
        // Own descriptors: detaching must work after the caller disposed the object that loaded map and program.
        _map = (BpfMapFd)map.Fd.Duplicate();
        _programFd = (BpfProgramFd)program.Fd.Duplicate();
        _program = program;
        MapName = map.Name;
        AttachType = attachType;
    }

    public string MapName { get; }

    public BpfAttachType AttachType { get; }

    public override BpfProgram Program => _program;

    public override void Dispose()
    {
        if (_detached)
            return;
        _detached = true;
        try
        {
            Bpf.ProgDetach(_map, _programFd, AttachType);
        }
        catch (BpfSyscallException e) when (e.ErrnoName == "ENOENT")
        {
            // Replaced or detached by someone else meanwhile: nothing of ours is left attached.
        }
        finally
        {
            _programFd.Dispose();
            _map.Dispose();
        }
    }
}
