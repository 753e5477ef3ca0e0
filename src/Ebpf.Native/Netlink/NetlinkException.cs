namespace Ebpf.Native.Netlink;

/// <summary>
/// The kernel refused an rtnetlink request. The message names the request ("RTM_NEWTFILTER"), the object, the
/// errno with its name, the kernel's own explanation when it sent one (extended ack, NLMSGERR_ATTR_MSG:
/// "Filter already exists") and a hint where one is known.
/// </summary>
public sealed class NetlinkException : BpfSyscallException
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="operation">The request, e.g. "RTM_NEWTFILTER".</param>
    /// <param name="errno">The errno the kernel returned.</param>
    /// <param name="objectDescription">What the request was about, or null.</param>
    /// <param name="kernelMessage">The kernel's extended-ack text, or null.</param>
    /// <param name="hint">What to do about it, when known.</param>
    public NetlinkException(string operation, int errno, string? objectDescription, string? kernelMessage, string? hint)
        : base(null, operation, errno, objectDescription, null, hint, kernelMessage is null ? null : $"The kernel said: {kernelMessage}")
    {
        KernelMessage = kernelMessage;
    }

    /// <summary>The extended ack's text, or null when the kernel sent none.</summary>
    public string? KernelMessage { get; }
}
