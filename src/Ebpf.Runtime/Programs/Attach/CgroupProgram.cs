using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A program of a cgroup kind (sock, sock_addr, sockopt, sysctl, device, sock_ops, skb) ready to attach to
/// cgroups at one attach type. Multi mode makes a BPF link; single and override use BPF_PROG_ATTACH.
/// </summary>
public class CgroupProgram
{
    internal CgroupProgram(BpfProgram program, BpfAttachType attachType)
    {
        Program = program;
        AttachType = attachType;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The hook this program attaches to.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Attaches to <paramref name="cgroup"/> at <see cref="AttachType"/>; the program then runs for every process in it and its descendants.</summary>
    /// <param name="cgroup">The cgroup (v2) to attach to.</param>
    /// <param name="mode">How it coexists with programs already attached there (multi: a link; single or override: BPF_PROG_ATTACH).</param>
    public virtual BpfAttachment Attach(Cgroup cgroup, CgroupAttachMode mode = CgroupAttachMode.Multi) => AttachAt(cgroup, AttachType, mode);

    private protected BpfAttachment AttachAt(Cgroup cgroup, BpfAttachType attachType, CgroupAttachMode mode)
    {
        if (mode == CgroupAttachMode.Multi)
        {
            try
            {
                return new BpfLink(BpfSyscall.LinkCreate(Program.Fd, cgroup.Handle, attachType), Program);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL || e.IsNotSupported)
            {
                // Kernels before 5.7 have no cgroup links: attach the old way, still detached on Dispose.
            }
        }
        var flags = mode switch
        {
            CgroupAttachMode.Override => BpfAttachFlags.AllowOverride,
            CgroupAttachMode.Multi => BpfAttachFlags.AllowMulti,
            _ => BpfAttachFlags.None,
        };
        // The attachment's own descriptor of this cgroup, taken before attaching so that failing to take it leaves
        // nothing attached; it detaches from this cgroup even if another takes its path meanwhile.
        var target = NativeFiles.Duplicate(cgroup.Handle);
        try
        {
            BpfSyscall.ProgAttach(cgroup.Handle, Program.Fd, attachType, flags);
        }
        catch (BpfSyscallException e)
        {
            target.Dispose();
            throw new BpfException($"program '{Program.Name}' could not attach to cgroup {cgroup.Path} at {attachType} in {mode} mode: {e.Message}" +
                (e.Errno == SyscallErrno.EPERM && mode != CgroupAttachMode.Multi ? " Another program may already hold this hook in single or override mode, or a parent cgroup forbids overriding; use CgroupAttachMode.Multi to run alongside it." : ""), e);
        }
        return new ProgramAttachment(target, Program, attachType);
    }
}

/// <summary>A cgroup_skb program: sees (and may drop) the packets of a cgroup's sockets in one direction.</summary>
public sealed class CgroupSkbProgram : CgroupProgram
{
    internal CgroupSkbProgram(BpfProgram program, SkbDirection? declared)
        : base(program, declared == SkbDirection.Egress ? BpfAttachType.CgroupInetEgress : BpfAttachType.CgroupInetIngress)
    {
        Declared = declared;
    }

    /// <summary>The direction the program was loaded for (its section), or null for <c>cgroup/skb</c>.</summary>
    public SkbDirection? Declared { get; }

    /// <summary>Attaches in the declared direction; a <c>cgroup/skb</c> program must be given one.</summary>
    public override BpfAttachment Attach(Cgroup cgroup, CgroupAttachMode mode = CgroupAttachMode.Multi)
    {
        if (Declared is not { } direction)
            throw new BpfException($"program '{Program.Name}' is in section \"cgroup/skb\", so its direction is chosen when attaching: " +
                "pass SkbDirection.Ingress or SkbDirection.Egress, e.g. Attach(cgroup, SkbDirection.Egress)");
        return Attach(cgroup, direction, mode);
    }

    /// <summary>Attaches to <paramref name="cgroup"/> for packets in <paramref name="direction"/>.</summary>
    /// <param name="cgroup">The cgroup (v2) to attach to.</param>
    /// <param name="direction">Ingress or egress; must agree with the section's, if it declares one.</param>
    /// <param name="mode">How it coexists with programs already attached there.</param>
    /// <exception cref="BpfException"><paramref name="direction"/> differs from the one the section declares.</exception>
    public BpfAttachment Attach(Cgroup cgroup, SkbDirection direction, CgroupAttachMode mode = CgroupAttachMode.Multi)
    {
        if (Declared is { } declared && declared != direction)
        {
            var section = declared == SkbDirection.Ingress ? "cgroup_skb/ingress" : "cgroup_skb/egress";
            throw new BpfException($"program '{Program.Name}' was loaded for {declared.ToString().ToLowerInvariant()} (section \"{section}\") and cannot attach to {direction.ToString().ToLowerInvariant()}; " +
                $"declare it [CgroupSkb(CgroupSkbDirection.{direction})] (section \"cgroup_skb/{direction.ToString().ToLowerInvariant()}\"), or use \"cgroup/skb\" to choose the direction at attach");
        }
        return AttachAt(cgroup, direction == SkbDirection.Egress ? BpfAttachType.CgroupInetEgress : BpfAttachType.CgroupInetIngress, mode);
    }
}
