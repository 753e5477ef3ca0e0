namespace Ebpf.Kernel;

/// <summary>
/// Maps an XDP program redirects through: slots hold a device (devmap), a CPU (cpumap) or an AF_XDP socket (xskmap) that
/// user space puts there. Managed tests fill slots with <see cref="Set"/> and read the last target from <see cref="LastRedirect"/>.
/// </summary>
public abstract class RedirectMap : KernelMap
{
    private readonly uint?[] _slots;

    private protected RedirectMap(int maxEntries) : base(maxEntries, MapFlags.None) => _slots = new uint?[maxEntries];

    public override int KeySize => sizeof(uint);
    public override int ValueSize => sizeof(uint);

    /// <summary>
    /// Redirects the packet to the target in slot <paramref name="index"/>: bpf_redirect_map. <see cref="XdpAction.Redirect"/> when
    /// the slot is filled; otherwise the action in the low two bits of <paramref name="flags"/> (so <c>(ulong)XdpAction.Pass</c> is a fallback).
    /// </summary>
    [Helper(51, "redirect_map")]
    public XdpAction Redirect(uint index, ulong flags = 0)
    {
        if (index < (uint)_slots.Length && _slots[index] is { } target)
        {
            LastRedirect = (index, target);
            return XdpAction.Redirect;
        }
        return (XdpAction)(flags & 3);
    }

    /// <summary>Fills a slot (managed only): an ifindex, a CPU number or a queue id.</summary>
    [ManagedOnly]
    public void Set(uint index, uint target)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (uint)_slots.Length);
        _slots[index] = target;
    }

    /// <summary>The slot and target of the last successful redirect (managed only).</summary>
    [ManagedOnly]
    public (uint Index, uint Target)? LastRedirect { get; private set; }

    [ManagedOnly]
    public override void Clear()
    {
        Array.Clear(_slots);
        LastRedirect = null;
    }
}

/// <summary>Devices to redirect to, by index (BPF_MAP_TYPE_DEVMAP).</summary>
[MapKind(MapType.DevMap)]
public sealed class DevMap(int maxEntries) : RedirectMap(maxEntries)
{
    public override MapType Type => MapType.DevMap;
}

/// <summary>CPUs to hand packets to (BPF_MAP_TYPE_CPUMAP).</summary>
[MapKind(MapType.CpuMap)]
public sealed class CpuMap(int maxEntries) : RedirectMap(maxEntries)
{
    public override MapType Type => MapType.CpuMap;
}

/// <summary>AF_XDP sockets by queue (BPF_MAP_TYPE_XSKMAP).</summary>
[MapKind(MapType.XskMap)]
public sealed class XskMap(int maxEntries) : RedirectMap(maxEntries)
{
    public override MapType Type => MapType.XskMap;
}
