using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// Network interfaces and namespaces as the calling thread sees them: interface names and indexes are per network
/// namespace, and a thread may enter another namespace (setns) without moving the rest of the process.
/// </summary>
public static unsafe class NetDevices
{
    /// <summary>if_nametoindex: the index of <paramref name="name"/> in this thread's namespace, or null when there is none.</summary>
    public static uint? IndexOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length >= LibC.IF_NAMESIZE) return null; // the kernel's names are at most 15 bytes
        uint index = LibC.IfNameToIndex(name);
        return index == 0 ? null : index;
    }

    /// <summary>if_indextoname: the name of interface <paramref name="index"/> in this thread's namespace, or null.</summary>
    public static string? NameOf(uint index)
    {
        byte* buffer = stackalloc byte[LibC.IF_NAMESIZE];
        return LibC.IfIndexToName(index, buffer) is null ? null : Marshal.PtrToStringUTF8((nint)buffer);
    }

    /// <summary>setns(fd, CLONE_NEWNET): moves the calling thread into the network namespace <paramref name="namespaceFd"/> refers to.</summary>
    public static void EnterNetworkNamespace(SafeHandle namespaceFd, string description)
    {
        using var lease = new FdLease(namespaceFd);
        if (LibC.SetNetworkNamespace(lease.Fd, LibC.NetworkNamespaceType) < 0)
            throw BpfErrors.FromPosix("setns", Marshal.GetLastPInvokeError(), $"network namespace {description}");
    }
}
