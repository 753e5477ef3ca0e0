namespace Ebpf.Native;

/// <summary>What BPF_MAP_CREATE needs. Handles (inner map, BTF) stay owned by the caller and must stay open during the call.</summary>
public struct MapCreateRequest
{
    public MapCreateRequest(BpfMapType type, int keySize, int valueSize, uint maxEntries)
    {
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    public BpfMapType Type { get; set; }
    public int KeySize { get; set; }
    public int ValueSize { get; set; }
    public uint MaxEntries { get; set; }
    public BpfMapFlags Flags { get; set; }

    /// <summary>Name for the kernel (made valid by <see cref="BpfObjectName.ForKernel"/>) and for error messages.</summary>
    public string? Name { get; set; }

    /// <summary>The template inner map of an array- or hash-of-maps.</summary>
    public BpfMapFd? InnerMap { get; set; }

    public BpfBtfFd? Btf { get; set; }
    public uint BtfKeyTypeId { get; set; }
    public uint BtfValueTypeId { get; set; }
    public uint BtfVmlinuxValueTypeId { get; set; }

    /// <summary>map_extra: the bloom filter's number of hash functions, the arena's address.</summary>
    public ulong MapExtra { get; set; }

    public uint NumaNode { get; set; }
    public uint Ifindex { get; set; }
}
