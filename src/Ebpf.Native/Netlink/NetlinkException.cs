namespace Ebpf.Native.Netlink;

/// <summary>
/// The kernel refused an rtnetlink request. The message names the request ("RTM_NEWTFILTER"), the object, the
/// errno with its name, the kernel's own explanation when it sent one (extended ack, NLMSGERR_ATTR_MSG:
/// "Filter already exists") and a hint where one is known.
/// </summary>
public sealed class NetlinkException : BpfSyscallException
{
    public NetlinkException(string operation, int errno, string? objectDescription, string? kernelMessage, string? hint)
        : base(null, operation, errno, objectDescription, null, hint, kernelMessage is null ? null : $"The kernel said: {kernelMessage}")
    {
        KernelMessage = kernelMessage;
    }

    /// <summary>The extended ack's text, or null when the kernel sent none.</summary>
    public string? KernelMessage { get; }
}
