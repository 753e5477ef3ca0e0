using System.Runtime.InteropServices;

namespace Ebpf.Native;

internal static unsafe partial class LibC
{
    /// <summary>0 when no interface has this name in the calling thread's network namespace (errno ENODEV).</summary>
    [LibraryImport(Lib, EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    [LibraryImport(Lib, EntryPoint = "if_indextoname", SetLastError = true)]
    public static partial byte* IfIndexToName(uint index, byte* name);

    /// <summary>Moves the calling thread (only it, for network namespaces) into the namespace of <paramref name="fd"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNetworkNamespace(int fd, int nstype);

    public const int IF_NAMESIZE = 16, NetworkNamespaceType = 0x40000000; // CLONE_NEWNET
}
