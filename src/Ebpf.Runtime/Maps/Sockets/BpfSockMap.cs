using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_SOCKMAP: an array of sockets that sk_msg and sk_skb programs attached to the map run for, and that
/// programs redirect to (bpf_msg_redirect_map, bpf_sk_redirect_map) or pick (bpf_sk_assign in sk_lookup).
/// A socket runs the map's programs from the moment it is added, so attach the programs first.
/// </summary>
public sealed class BpfSockMap : BpfMapView
{
    internal BpfSockMap(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<uint>(map);
        SocketValue.Check(map);
    }

    /// <summary>max_entries: the number of slots.</summary>
    public uint Length => MaxEntries;

    /// <summary>Puts <paramref name="socket"/> in slot <paramref name="index"/> (replacing what was there).</summary>
    public void Add(uint index, Socket socket) => Add(index, SocketValue.Handle(socket));

    /// <summary>Puts the socket with this descriptor in slot <paramref name="index"/>.</summary>
    public void Add(uint index, SafeHandle socket, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckIndex(index);
        SocketValue.Update(Map, in index, socket, flags, index.ToString());
    }

    /// <summary>Empties the slot (the socket stops running the map's programs); false when it was empty.</summary>
    public bool Remove(uint index)
    {
        CheckIndex(index);
        return Elements.Delete(Fd, in index);
    }

    /// <summary>The cookie of the socket in the slot, or null when it is empty (maps with 8-byte values).</summary>
    public ulong? GetCookie(uint index)
    {
        CheckIndex(index);
        return SocketValue.Cookie(Map, in index);
    }

    private void CheckIndex(uint index)
    {
        if (index >= Length) throw new BpfException($"map '{Name}' has {Length} slots; index {index} is out of range.");
    }

    /// <summary>Creates a sockmap (8-byte values, so cookies can be read back); disposing the view closes it.</summary>
    public static BpfSockMap Create(uint length, string? name = null) =>
        new(BpfMap.Create(BpfMapType.Sockmap, sizeof(uint), sizeof(ulong), length, BpfMapFlags.None, name), ownsMap: true);
}
