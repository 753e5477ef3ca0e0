using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// setns(2) for network namespaces. It moves only the calling thread, so callers run it on a thread of their own
/// that exits afterwards (never a pool thread, which would carry the namespace into unrelated work).
/// </summary>
public static partial class Namespaces
{
    private const int CLONE_NEWNET = 0x40000000;

    /// <summary>Moves the calling thread into the network namespace <paramref name="netns"/> (an nsfs descriptor).</summary>
    public static void EnterNetwork(SafeHandle netns, string description)
    {
        using var lease = new FdLease(netns);
        if (SetNs(lease.Fd, CLONE_NEWNET) != 0)
            throw BpfErrors.FromPosix("setns(CLONE_NEWNET)", Marshal.GetLastPInvokeError(), description);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
