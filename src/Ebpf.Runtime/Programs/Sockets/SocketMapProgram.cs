using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An sk_msg or sk_skb program, attached to a sockmap or sockhash: it then runs for the sockets in the map (sk_msg on
/// each sendmsg, sk_skb on each received skb) and may redirect data to another socket of a map, or drop it.
/// The kernel gives a socket the programs attached when it is added, so attach before adding sockets.
/// </summary>
public sealed class SocketMapProgram
{
    internal SocketMapProgram(BpfProgram program, BpfAttachType attachType)
    {
        Program = program;
        AttachType = attachType;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>SkMsgVerdict, SkSkbStreamParser, SkSkbStreamVerdict or SkSkbVerdict.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>
    /// Attaches to <paramref name="map"/> (a sockmap or sockhash): a sockmap link where the kernel has one (6.10+),
    /// a <see cref="ProgramAttachment"/> made with BPF_PROG_ATTACH otherwise. Both detach on Dispose.
    /// </summary>
    public BpfAttachment Attach(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type is not (BpfMapType.Sockmap or BpfMapType.Sockhash))
            throw new BpfException($"program '{Program.Name}' attaches to a sockmap or sockhash, but map '{map.Name}' is a {map.Type} map");
        try
        {
            try
            {
                return new BpfLink(BpfSyscall.LinkCreate(Program.Fd, map.Fd, AttachType), Program);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL || e.IsNotSupported)
            {
                // No sockmap links (before 6.10): the older attach, still undone on Dispose.
            }
            BpfSyscall.ProgAttach(map.Fd, Program.Fd, AttachType);
            return new ProgramAttachment(map.Fd.Duplicate(), Program, AttachType);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.EBUSY or SyscallErrno.EEXIST => $" Map '{map.Name}' already has a program at {AttachType} (one per attach type): dispose that attachment first.",
                SyscallErrno.EINVAL => $" The program must be loaded for {AttachType} (its section), and stream_verdict and skb_verdict cannot both be attached to one map.",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' could not attach to map '{map.Name}' at {AttachType}: {e.Message}{fix}", e);
        }
    }
}
