namespace Ebpf.Kernel;

/// <summary>
/// Sockets that sk_msg and sk_skb programs redirect to and sk_lookup programs select: BPF_MAP_TYPE_SOCKMAP, slots by index.
/// User space fills the slots with sockets; managed tests mark slots filled with <see cref="Set"/>.
/// </summary>
[MapKind(MapType.SockMap)]
public sealed class SockMap(int maxEntries) : BpfMap(maxEntries, MapFlags.None)
{
    private readonly bool[] _filled = new bool[maxEntries];

    public override MapType Type => MapType.SockMap;
    public override int KeySize => sizeof(uint);
    /// <summary>A socket's descriptor on update, its cookie on lookup from user space: 8 bytes, as libbpf and clang declare it.</summary>
    public override int ValueSize => sizeof(ulong);

    /// <summary>Marks slot <paramref name="key"/> as holding a socket (managed only; user space adds sockets in the kernel).</summary>
    [ManagedOnly]
    public void Set(uint key, bool filled = true)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(key, (uint)_filled.Length);
        _filled[key] = filled;
    }

    [ManagedOnly]
    public bool Holds(uint key) => key < (uint)_filled.Length && _filled[key];

    [ManagedOnly]
    public override void Clear() => Array.Clear(_filled);
}

/// <summary>Where a socket redirect delivers (the flags of bpf_msg_redirect_map and bpf_sk_redirect_map).</summary>
public enum SocketRedirect : ulong
{
    /// <summary>Out of the target socket, to its peer.</summary>
    Egress = 0,
    /// <summary>BPF_F_INGRESS: into the target socket's receive queue.</summary>
    Ingress = 1,
}
