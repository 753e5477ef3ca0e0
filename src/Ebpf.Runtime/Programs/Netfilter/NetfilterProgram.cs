using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A netfilter program (section <c>netfilter</c>): runs at a netfilter hook of every network namespace's stack it is
/// attached in (the namespace of the attaching thread) and returns NF_DROP (0) or NF_ACCEPT (1).
/// Attached with a netfilter link; several programs share a hook, ordered by priority.
/// </summary>
public sealed class NetfilterProgram
{
    internal NetfilterProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>
    /// Attaches at <paramref name="hook"/> for <paramref name="family"/> in the calling thread's network namespace.
    /// <paramref name="priority"/> orders it among the hook's other functions (lower runs first); the kernel
    /// refuses the extremes INT_MIN and INT_MAX, and with defragmentation a priority at or before conntrack's defrag (-400).
    /// </summary>
    public BpfLink Attach(NetfilterFamily family, NetfilterHook hook, int priority, NetfilterLinkFlags flags = NetfilterLinkFlags.None)
    {
        if (priority is int.MinValue or int.MaxValue)
            throw new BpfException($"program '{Program.Name}': netfilter priority {priority} is reserved by the kernel; choose one strictly between int.MinValue and int.MaxValue");
        var request = new LinkCreateRequest(Program.Fd, null, BpfAttachType.Netfilter)
        {
            NetfilterProtocolFamily = (uint)family,
            NetfilterHook = (uint)hook,
            NetfilterPriority = priority,
            NetfilterFlags = (uint)flags,
        };
        try
        {
            return new BpfLink(BpfSyscall.LinkCreate(request), Program);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                SyscallErrno.EBUSY => " Another BPF program holds this hook at the same priority: choose another priority.",
                _ when e.IsNotSupported => " The hook or the flags are not available: IP_DEFRAG needs the nf_defrag_ipv4/ipv6 modules and a priority after -400.",
                SyscallErrno.EINVAL => " Check the hook (PreRouting..PostRouting), the family (IPv4 or IPv6) and that the program was loaded as a netfilter program.",
                _ => "",
            };
            throw new BpfException($"program '{Program.Name}' could not attach to netfilter {family} {hook} at priority {priority}: {e.Message}{fix}", e);
        }
    }
}
