using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A loaded struct_ops map (a kernel struct such as tcp_congestion_ops implemented by BPF programs). A map from
/// <c>.struct_ops.link</c> is registered by <see cref="Attach"/> through a BPF_STRUCT_OPS link; one from
/// <c>.struct_ops</c> is registered by <see cref="Attach"/> writing the value the loader prepared (as libbpf's
/// bpf_map__attach_struct_ops does), and unregistered (element 0 deleted) when the result is disposed. Loading alone
/// registers nothing, so disposing an object that was never attached leaves nothing in the kernel.
/// </summary>
public sealed class StructOpsMap
{
    internal StructOpsMap(BpfMap map) => Map = map;

    /// <summary>The struct_ops map.</summary>
    public BpfMap Map { get; }

    /// <summary>The kernel struct the map implements, e.g. "tcp_congestion_ops".</summary>
    public string StructName => Map.Spec?.StructOps?.TypeName ?? "?";

    /// <summary>bpf_struct_ops_common_value.state of element 0: 0 init, 1 in use (registered), 2 to be freed, 3 ready (a link map set up).</summary>
    public int State
    {
        get
        {
            Span<byte> key = stackalloc byte[4];
            key.Clear();
            var value = new byte[Map.ValueSize];
            return Map.TryLookup(key, value) ? BitConverter.ToInt32(value, 4) : 0;
        }
    }

    /// <summary>Whether the map was created with BPF_F_LINK (section <c>.struct_ops.link</c>): registered through a link, and re-registrable.</summary>
    public bool IsLink => (Map.Flags & (BpfMapFlags)(1u << 13)) != 0;

    /// <summary>Registers the operations; Dispose of the result unregisters them.</summary>
    public StructOpsRegistration Attach()
    {
        if (!IsLink)
        {
            // The kernel takes a .struct_ops map's value once: after unregistering, the map cannot be registered again.
            if (State != 0 /* BPF_STRUCT_OPS_STATE_INIT */ || Map.StructOpsValue is not { } value)
                throw new BpfException($"struct_ops map '{Map.Name}' (struct {StructName}) cannot be registered: a map from .struct_ops registers once, and this one was registered already (or was not filled at load); load the object again, or declare the map in .struct_ops.link to attach and detach it repeatedly");
            Span<byte> key = stackalloc byte[4];
            key.Clear();
            try
            {
                Map.Update(key, value);
            }
            catch (BpfSyscallException e)
            {
                throw new BpfException($"struct_ops map '{Map.Name}' (struct {StructName}) was refused by the kernel when its operations were registered: {e.Message}", e);
            }
            return new StructOpsRegistration(this, null);
        }
        try
        {
            return new StructOpsRegistration(this, BpfSyscall.LinkCreateStructOps(Map.Fd));
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"struct_ops map '{Map.Name}' (struct {StructName}) could not be registered through a link: {e.Message}", e);
        }
    }
}

/// <summary>A registered struct_ops map: the link of a <c>.struct_ops.link</c> map, or element 0 of a <c>.struct_ops</c> map.</summary>
public sealed class StructOpsRegistration : IDisposable
{
    private readonly StructOpsMap _map;
    private bool _disposed;

    internal StructOpsRegistration(StructOpsMap map, BpfLinkFd? link)
    {
        _map = map;
        Link = link;
    }

    /// <summary>The BPF_STRUCT_OPS link, for maps made with BPF_F_LINK; null for maps registered by their update.</summary>
    public BpfLinkFd? Link { get; }

    /// <summary>The struct_ops map registered.</summary>
    public StructOpsMap Map => _map;

    /// <summary>Pins the link on bpffs, so the operations stay registered after this process exits.</summary>
    public void Pin(string path) => BpfSyscall.ObjPin(Link ?? throw new BpfException($"struct_ops map '{_map.Map.Name}' has no link to pin (it is not from .struct_ops.link)"), path);

    /// <summary>Unregisters the operations (closing the link, or deleting the map's element).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (Link is not null)
        {
            Link.Dispose();
            return;
        }
        Span<byte> key = stackalloc byte[4];
        key.Clear();
        _map.Map.Delete(key);
    }
}

public static partial class ProgramKinds
{
    /// <summary>The struct_ops view of a map from <c>.struct_ops</c> or <c>.struct_ops.link</c>.</summary>
    public static StructOpsMap AsStructOps(this BpfMap map) => map.Type == BpfMapType.StructOps
        ? new StructOpsMap(map)
        : throw new BpfException($"map '{map.Name}' is a {map.Type} map, not struct_ops, so AsStructOps does not apply");
}
