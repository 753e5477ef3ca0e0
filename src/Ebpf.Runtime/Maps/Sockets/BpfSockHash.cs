using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_SOCKHASH: sockets under keys of <typeparamref name="TKey"/> (often a 4-tuple), for the same
/// programs and helpers as <see cref="BpfSockMap"/>. A socket runs the map's programs from the moment it is added.
/// </summary>
public sealed class BpfSockHash<TKey> : BpfMapView where TKey : unmanaged
{
    internal BpfSockHash(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<TKey>(map);
        SocketValue.Check(map);
    }

    /// <summary>Stores <paramref name="socket"/> under <paramref name="key"/> (the map holds its own reference to the socket).</summary>
    /// <exception cref="Native.BpfSyscallException">The kernel refused the socket (wrong type or state, e.g. a TCP socket not yet connected or listening).</exception>
    public void Add(in TKey key, Socket socket, BpfUpdateFlags flags = BpfUpdateFlags.Any) => Add(key, SocketValue.Handle(socket), flags);

    /// <summary>Stores the socket behind <paramref name="socket"/>, a socket descriptor, under <paramref name="key"/>.</summary>
    /// <exception cref="Native.BpfSyscallException">The kernel refused the socket (wrong type or state).</exception>
    public void Add(in TKey key, SafeHandle socket, BpfUpdateFlags flags = BpfUpdateFlags.Any) =>
        SocketValue.Update(Map, in key, socket, flags, Elements.Describe(in key));

    /// <summary>Removes the key (its socket stops running the map's programs); false when it was absent.</summary>
    public bool Remove(in TKey key) => Elements.Delete(Fd, in key);

    /// <summary>The cookie of the socket under the key, or null when absent (maps with 8-byte values).</summary>
    public ulong? GetCookie(in TKey key) => SocketValue.Cookie(Map, in key);

    /// <summary>The keys, in the kernel's iteration order.</summary>
    public BpfMapKeys<TKey> Keys => new(Fd);

    /// <summary>Creates a sockhash (8-byte values); disposing the view closes it.</summary>
    public static unsafe BpfSockHash<TKey> Create(uint maxEntries, string? name = null) =>
        new(BpfMap.Create(BpfMapType.Sockhash, sizeof(TKey), sizeof(ulong), maxEntries, BpfMapFlags.None, name), ownsMap: true);
}
