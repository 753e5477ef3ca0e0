namespace Ebpf.Native;

/// <summary>
/// A map descriptor that knows the map's shape, so element operations can check span lengths before the kernel
/// reads or writes through the pointers (a short value span would otherwise be overrun by the kernel's copy).
/// </summary>
public sealed class BpfMapFd : BpfFd
{
    internal BpfMapFd(int fd, string? name, BpfMapType type, int keySize, int valueSize, uint maxEntries, BpfMapFlags flags)
        : base(fd, BpfObjectKind.Map, name)
    {
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        ElementValueSize = IsPerCpu(type) ? ((valueSize + 7) & ~7) * PossibleCpus.Count : valueSize;
    }

    /// <summary>map_type as created.</summary>
    public BpfMapType Type { get; }
    /// <summary>key_size as created, in bytes.</summary>
    public int KeySize { get; }

    /// <summary>value_size as created (for per-CPU maps: one CPU's value).</summary>
    public int ValueSize { get; }

    /// <summary>Bytes the element syscalls copy for one value: <see cref="ValueSize"/>, or for per-CPU maps
    /// value_size rounded up to 8 times the number of possible CPUs.</summary>
    public int ElementValueSize { get; }

    /// <summary>max_entries as created.</summary>
    public uint MaxEntries { get; }
    /// <summary>map_flags as created.</summary>
    public BpfMapFlags Flags { get; }

    /// <summary>Maps whose user-space values hold one slot per possible CPU.</summary>
    public static bool IsPerCpu(BpfMapType type) => type is BpfMapType.PercpuHash or BpfMapType.PercpuArray
        or BpfMapType.LruPercpuHash or BpfMapType.PercpuCgroupStorage;

    private protected override BpfFd WrapSameKind(int fd) => new BpfMapFd(fd, Name, Type, KeySize, ValueSize, MaxEntries, Flags);
}
