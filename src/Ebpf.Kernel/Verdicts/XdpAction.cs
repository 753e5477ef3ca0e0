namespace Ebpf.Kernel;

/// <summary>What an XDP program returns (enum xdp_action; a test checks the values against the kernel's BTF).</summary>
public enum XdpAction : uint
{
    Aborted = 0,
    Drop = 1,
    Pass = 2,
    /// <summary>Send back out of the same device.</summary>
    Tx = 3,
    /// <summary>Use the target chosen by a redirect helper.</summary>
    Redirect = 4,
}
