using Ebpf.Native;
using Ebpf.Object.Maps;

namespace Ebpf;

/// <summary>
/// What to change in one map of an object before it is created (libbpf's <c>bpf_map__set_*</c>): a null property keeps
/// the object's value. Got from <see cref="BpfLoadOptions.Map(string)"/>.
/// </summary>
public sealed class MapOptions
{
    internal MapOptions(string name) => Name = name;

    /// <summary>The map's name in the object.</summary>
    public string Name { get; }

    /// <summary>The map type to create instead of the object's.</summary>
    public BpfMapType? Type { get; set; }
    /// <summary>Key size in bytes, instead of the object's.</summary>
    public uint? KeySize { get; set; }
    /// <summary>Value size in bytes, instead of the object's.</summary>
    public uint? ValueSize { get; set; }

    /// <summary>max_entries; objects that declare 0 (sized at run time, e.g. by CPU or pid count) need it.</summary>
    public uint? MaxEntries { get; set; }

    /// <summary>Creation flags (<c>BPF_F_*</c>), replacing the object's.</summary>
    public BpfMapFlags? Flags { get; set; }

    /// <summary>The NUMA node to allocate on (sets BPF_F_NUMA_NODE).</summary>
    public uint? NumaNode { get; set; }

    /// <summary>map_extra (bloom filter hash count, arena address).</summary>
    public ulong? MapExtra { get; set; }

    /// <summary>For a map-in-map: the definition its inner maps follow, instead of the object's <c>__array(values, ...)</c>.</summary>
    public MapSpec? InnerMap { get; set; }

    /// <summary>
    /// False: the map is not created (libbpf's autocreate). Instructions that refer to it become calls the verifier must
    /// find dead, so only code it can prune (behind a constant check) may use it; the map is missing from <see cref="BpfObject.Maps"/>.
    /// </summary>
    public bool AutoCreate { get; set; } = true;

    /// <summary>
    /// Use this existing map (for example one of another object, to share it) instead of creating one; it must match the
    /// definition (type, key and value size, max_entries, flags). The object holds its own descriptor, so both may be disposed in any order.
    /// </summary>
    public BpfMap? Reuse { get; set; }

    /// <summary>A bpffs path: the map pinned there is reused (checked against the definition), or the new map is pinned there.</summary>
    public string? PinPath { get; set; }
}
