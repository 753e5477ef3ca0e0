using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// Sockets that sk_msg and sk_skb programs redirect to and sk_lookup programs select: BPF_MAP_TYPE_SOCKMAP, slots by index.
/// User space fills the slots with sockets; managed tests fill them with <see cref="Set"/>.
/// </summary>
[MapKind(MapType.SockMap)]
public sealed class SockMap(int maxEntries) : KernelMap(maxEntries, MapFlags.None)
{
    private readonly BpfSocket[] _sockets = new BpfSocket[maxEntries];
    private readonly bool[] _filled = new bool[maxEntries];

    public override MapType Type => MapType.SockMap;
    public override int KeySize => sizeof(uint);
    /// <summary>A socket's descriptor on update, its cookie on lookup from user space: 8 bytes, as libbpf and clang declare it.</summary>
    public override int ValueSize => sizeof(ulong);

    /// <summary>
    /// The socket in slot <paramref name="key"/>, or a null reference (check with Unsafe.IsNullRef): bpf_map_lookup_elem.
    /// The program holds a reference on it and must give it back with <see cref="Release"/> on every path.
    /// </summary>
    [Helper(1, "map_lookup_elem")]
    public ref BpfSocket Lookup(uint key) =>
        ref key < (uint)_filled.Length && _filled[key] ? ref _sockets[key] : ref Unsafe.NullRef<BpfSocket>();

    /// <summary>Gives back a socket from <see cref="Lookup"/>: bpf_sk_release.</summary>
    [Helper(86, "sk_release")]
    public static void Release(ref BpfSocket socket) { }

    /// <summary>Puts <paramref name="socket"/> in slot <paramref name="key"/> (managed only; user space adds sockets in the kernel).</summary>
    [ManagedOnly]
    public void Set(uint key, BpfSocket socket = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(key, (uint)_filled.Length);
        _sockets[key] = socket;
        _filled[key] = true;
    }

    [ManagedOnly]
    public bool Holds(uint key) => key < (uint)_filled.Length && _filled[key];

    [ManagedOnly]
    public override void Clear()
    {
        Array.Clear(_sockets);
        Array.Clear(_filled);
    }
}

/// <summary>Where a socket redirect delivers (the flags of bpf_msg_redirect_map and bpf_sk_redirect_map).</summary>
public enum SocketRedirect : ulong
{
    /// <summary>Out of the target socket, to its peer.</summary>
    Egress = 0,
    /// <summary>BPF_F_INGRESS: into the target socket's receive queue.</summary>
    Ingress = 1,
}
