using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Base of the typed views. A view made with <c>map.As...()</c> borrows the map (its object disposes it); a view
/// made with a <c>Create</c> method owns the map it created and closes it on <see cref="Dispose"/>.
/// </summary>
public abstract class BpfMapView : IDisposable
{
    private readonly bool _ownsMap;

    private protected BpfMapView(BpfMap map, bool ownsMap)
    {
        Map = map;
        _ownsMap = ownsMap;
    }

    /// <summary>The untyped map underneath, for byte-level operations, pinning and info.</summary>
    public BpfMap Map { get; }

    /// <summary>The map's name.</summary>
    public string Name => Map.Name;

    /// <summary>The kernel map type.</summary>
    public BpfMapType Type => Map.Type;

    /// <summary>Capacity: the most entries the map holds.</summary>
    public uint MaxEntries => Map.MaxEntries;

    internal BpfMapFd Fd => Map.Fd;

    /// <summary>Pins the map on bpffs so it outlives this process.</summary>
    public void Pin(string path) => Map.Pin(path);

    /// <summary>Closes the map when this view created it; a view of an object's map leaves it to the object.</summary>
    public void Dispose()
    {
        if (_ownsMap) Map.Dispose();
    }

    /// <summary>The map's name, type and sizes, for logs.</summary>
    public override string ToString() => Map.ToString();
}
