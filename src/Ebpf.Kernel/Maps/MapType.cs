namespace Ebpf.Kernel;

/// <summary>The kernel's map types (enum bpf_map_type; a test checks the values against the kernel's BTF).</summary>
public enum MapType : uint
{
    Hash = 1, Array = 2, ProgArray = 3, PerfEventArray = 4, PerCpuHash = 5, PerCpuArray = 6, StackTrace = 7, CgroupArray = 8,
    LruHash = 9, LruPerCpuHash = 10, LpmTrie = 11, ArrayOfMaps = 12, HashOfMaps = 13, DevMap = 14, SockMap = 15, CpuMap = 16,
    XskMap = 17, SockHash = 18, CgroupStorage = 19, ReuseportSockArray = 20, PerCpuCgroupStorage = 21, Queue = 22, Stack = 23,
    SkStorage = 24, DevMapHash = 25, StructOps = 26, RingBuf = 27, InodeStorage = 28, TaskStorage = 29, BloomFilter = 30,
    UserRingBuf = 31, CgrpStorage = 32,
}

/// <summary>map_flags of a map definition (BPF_F_*).</summary>
[Flags]
public enum MapFlags : uint
{
    None = 0,
    NoPrealloc = 1 << 0,
    NoCommonLru = 1 << 1,
    NumaNode = 1 << 2,
    ReadOnly = 1 << 3,
    WriteOnly = 1 << 4,
    StackBuildId = 1 << 5,
    ZeroSeed = 1 << 6,
    ReadOnlyProgram = 1 << 7,
    WriteOnlyProgram = 1 << 8,
    Clone = 1 << 9,
    Mmapable = 1 << 10,
    PreserveElements = 1 << 11,
    InnerMap = 1 << 12,
}

/// <summary>The flags argument of map_update_elem.</summary>
public enum UpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only; -EEXIST when the key is there.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace only; -ENOENT when the key is missing.</summary>
    Exist = 2,
    /// <summary>BPF_F_LOCK: update under the value's bpf_spin_lock.</summary>
    Lock = 4,
}

/// <summary>On a map class: the kernel map type the compiler writes into the BTF map definition.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MapKindAttribute(MapType type) : Attribute
{
    public MapType Type { get; } = type;
}
