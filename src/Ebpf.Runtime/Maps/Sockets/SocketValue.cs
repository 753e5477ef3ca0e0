using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A socket as a sockmap or sockhash value: the kernel takes the socket's descriptor (4 or 8 bytes, as the map's
/// value_size says) and gives back its cookie on lookup (8-byte values only). The handle is held across the syscall.
/// </summary>
internal static class SocketValue
{
    public static void Check(BpfMap map)
    {
        if (map.ValueSize is not (4 or 8))
            throw new BpfException($"map '{map.Name}' has {map.ValueSize}-byte values; a socket map holds a 4- or 8-byte socket descriptor (__u32 or __u64).");
    }

    public static void Update<TKey>(BpfMap map, in TKey key, SafeHandle socket, BpfUpdateFlags flags, string keyText) where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(socket);
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            ulong fd = (ulong)socket.DangerousGetHandle();
            if (map.ValueSize == 4)
                Elements.Update(map.Fd, in key, (uint)fd, flags);
            else
                Elements.Update(map.Fd, in key, fd, flags);
        }
        catch (BpfSyscallException e)
        {
            var fix = e.Errno switch
            {
                _ when e.IsNotSupported => " A socket map takes TCP sockets that are connected or listening, UDP and Unix sockets; this one is in another state or family.",
                SyscallErrno.EBUSY => " The socket already belongs to another user of its callbacks (TLS, another socket map with other programs).",
                SyscallErrno.EINVAL => " The descriptor is not a socket of a kind socket maps take.",
                _ => "",
            };
            throw new BpfException($"map '{map.Name}': the socket could not be added under key {keyText}: {e.Message}{fix}", e);
        }
        finally
        {
            if (added) socket.DangerousRelease();
        }
    }

    public static SafeHandle Handle(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.SafeHandle;
    }

    /// <summary>The socket cookie under the key (SO_COOKIE), or null when the key is empty; 4-byte maps cannot report it.</summary>
    public static ulong? Cookie<TKey>(BpfMap map, in TKey key) where TKey : unmanaged
    {
        if (map.ValueSize != 8)
            throw new BpfException($"map '{map.Name}' has 4-byte values, so lookups cannot return socket cookies; declare the value as __u64 to read them.");
        return Elements.TryLookup(map.Fd, in key, out ulong cookie) ? cookie : null;
    }
}
