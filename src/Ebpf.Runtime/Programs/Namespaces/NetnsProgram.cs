using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A program that a network namespace runs for all its traffic: sk_lookup (picks the socket for a new connection
/// or datagram) or flow_dissector (parses packet headers for the stack). Attached with a netns link, which
/// detaches on Dispose and can be pinned or updated.
/// </summary>
public sealed class NetnsProgram
{
    internal NetnsProgram(BpfProgram program, BpfAttachType attachType)
    {
        Program = program;
        AttachType = attachType;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary><see cref="BpfAttachType.SkLookup"/> or <see cref="BpfAttachType.FlowDissector"/>.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>Attaches to <paramref name="netns"/> with a netns link (several sk_lookup programs may share a namespace; one flow dissector).</summary>
    public BpfLink Attach(NetworkNamespace netns)
    {
        ArgumentNullException.ThrowIfNull(netns);
        try
        {
            return new BpfLink(BpfSyscall.LinkCreate(Program.Fd, netns.Handle, AttachType), Program);
        }
        catch (BpfSyscallException e)
        {
            var fix = (AttachType, e.ErrnoName) switch
            {
                (BpfAttachType.FlowDissector, "E2BIG" or "EEXIST") => " A flow dissector is already attached to this namespace (one per namespace): dispose its link first.",
                (_, "E2BIG") => " The namespace already has the most sk_lookup programs the kernel allows (64): dispose some of their links.",
                (_, "EINVAL") => $" The program must be loaded as {AttachType} (section \"{(AttachType == BpfAttachType.SkLookup ? "sk_lookup" : "flow_dissector")}\").",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' could not attach to {netns} at {AttachType}: {e.Message}{fix}", e);
        }
    }

    /// <summary>Attaches to the namespace of this process (/proc/self/ns/net).</summary>
    public BpfLink AttachToCurrentNamespace()
    {
        using var netns = NetworkNamespace.Open("/proc/self/ns/net");
        return Attach(netns);
    }
}
