using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Writes a descriptor as a map value (program arrays and maps of maps take the fd of what they should hold;
/// lookups return its id instead). The handle is held for the length of the syscall so it cannot be closed under it.
/// </summary>
internal static class FdValue
{
    public static void Update<TKey>(BpfMapFd map, in TKey key, SafeHandle value, BpfUpdateFlags flags) where TKey : unmanaged
    {
        bool added = false;
        try
        {
            value.DangerousAddRef(ref added);
            uint fd = (uint)value.DangerousGetHandle();
            Elements.Update(map, in key, in fd, flags);
        }
        finally
        {
            if (added) value.DangerousRelease();
        }
    }
}
