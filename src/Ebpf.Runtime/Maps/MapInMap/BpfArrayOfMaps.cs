using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_ARRAY_OF_MAPS: slots hold maps shaped like the template the outer map was created with.
/// Set a slot to a map; reading a slot gives the inner map's id.
/// </summary>
public sealed class BpfArrayOfMaps : BpfMapView
{
    internal BpfArrayOfMaps(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<uint>(map);
        MapChecks.ValueSize<uint>(map);
    }

    /// <summary>max_entries: the number of slots.</summary>
    public uint Length => MaxEntries;

    /// <summary>Puts <paramref name="inner"/> in slot <paramref name="index"/>; the kernel refuses (EINVAL) a map of another shape than the template.</summary>
    public void Set(uint index, BpfMap inner)
    {
        CheckIndex(index);
        FdValue.Update(Fd, in index, inner.Fd, BpfUpdateFlags.Any);
    }

    /// <summary>Puts the map of a typed view in the slot.</summary>
    public void Set(uint index, BpfMapView inner) => Set(index, inner.Map);

    /// <summary>Empties the slot; false when it was empty.</summary>
    public bool Remove(uint index)
    {
        CheckIndex(index);
        return Elements.Delete(Fd, in index);
    }

    /// <summary>The id of the map in the slot, or null when it is empty.</summary>
    public uint? GetId(uint index)
    {
        CheckIndex(index);
        return Elements.TryLookup(Fd, in index, out uint id) ? id : null;
    }

    private void CheckIndex(uint index)
    {
        if (index >= Length) throw new BpfException($"map '{Name}' has {Length} slots; index {index} is out of range.");
    }

    /// <summary>Creates an array of maps whose slots take maps shaped like <paramref name="innerTemplate"/>; disposing the view closes it.</summary>
    public static BpfArrayOfMaps Create(uint length, BpfMap innerTemplate, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(BpfMap.Create(BpfMapType.ArrayOfMaps, sizeof(uint), sizeof(uint), length, flags, name, innerTemplate), ownsMap: true);
}
