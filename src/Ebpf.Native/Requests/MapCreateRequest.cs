namespace Ebpf.Native;

/// <summary>What BPF_MAP_CREATE needs. Handles (inner map, BTF) stay owned by the caller and must stay open during the call.</summary>
public struct MapCreateRequest
{
    /// <summary>A request for a map of <paramref name="type"/> with the given sizes; the other fields default to 0/none.</summary>
    /// <param name="type">The kernel map type.</param>
    /// <param name="keySize">Key size in bytes.</param>
    /// <param name="valueSize">Value size in bytes.</param>
    /// <param name="maxEntries">Capacity (for ring buffers, the size in bytes).</param>
    public MapCreateRequest(BpfMapType type, int keySize, int valueSize, uint maxEntries)
    {
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    /// <summary>map_type.</summary>
    public BpfMapType Type { get; set; }
    /// <summary>key_size, in bytes.</summary>
    public int KeySize { get; set; }
    /// <summary>value_size, in bytes.</summary>
    public int ValueSize { get; set; }
    /// <summary>max_entries.</summary>
    public uint MaxEntries { get; set; }
    /// <summary>map_flags.</summary>
    public BpfMapFlags Flags { get; set; }

    /// <summary>Name for the kernel (made valid by <see cref="BpfObjectName.ForKernel"/>) and for error messages.</summary>
    public string? Name { get; set; }

    /// <summary>The template inner map of an array- or hash-of-maps.</summary>
    public BpfMapFd? InnerMap { get; set; }

    /// <summary>btf_fd: the BTF describing key and value; null for none.</summary>
    public BpfBtfFd? Btf { get; set; }
    /// <summary>btf_key_type_id: the key's type in <see cref="Btf"/>.</summary>
    public uint BtfKeyTypeId { get; set; }
    /// <summary>btf_value_type_id: the value's type in <see cref="Btf"/>.</summary>
    public uint BtfValueTypeId { get; set; }
    /// <summary>btf_vmlinux_value_type_id: for struct_ops maps, the kernel's value type in vmlinux BTF.</summary>
    public uint BtfVmlinuxValueTypeId { get; set; }

    /// <summary>map_extra: the bloom filter's number of hash functions, the arena's address.</summary>
    public ulong MapExtra { get; set; }

    /// <summary>numa_node, used with <see cref="BpfMapFlags.NumaNode"/>.</summary>
    public uint NumaNode { get; set; }
    /// <summary>map_ifindex: the device to offload the map to; 0 for none.</summary>
    public uint Ifindex { get; set; }
}
