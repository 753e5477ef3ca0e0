namespace Ebpf.Native;

/// <summary>map_flags of BPF_MAP_CREATE (BPF_F_*), kernel values.</summary>
[Flags]
public enum BpfMapFlags : uint
{
    None = 0,
    NoPrealloc = 1 << 0,
    NoCommonLru = 1 << 1,
    NumaNode = 1 << 2,
    ReadOnly = 1 << 3,
    WriteOnly = 1 << 4,
    StackBuildId = 1 << 5,
    ZeroSeed = 1 << 6,
    ReadOnlyProg = 1 << 7,
    WriteOnlyProg = 1 << 8,
    Clone = 1 << 9,
    Mmapable = 1 << 10,
    PreserveElems = 1 << 11,
    InnerMap = 1 << 12,
    Link = 1 << 13,
    PathFd = 1 << 14,
    VTypeBtfObjFd = 1 << 15,
    TokenFd = 1 << 16,
    SegvOnFault = 1 << 17,
    NoUserConv = 1 << 18,
}

/// <summary>flags of the element commands (BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK).</summary>
[Flags]
public enum BpfUpdateFlags : ulong
{
    Any = 0,
    NoExist = 1,
    Exist = 2,
    Lock = 4,
}

/// <summary>prog_flags of BPF_PROG_LOAD.</summary>
[Flags]
public enum BpfProgLoadFlags : uint
{
    None = 0,
    StrictAlignment = 1 << 0,
    AnyAlignment = 1 << 1,
    TestRandomHi32 = 1 << 2,
    TestStateFreq = 1 << 3,
    Sleepable = 1 << 4,
    XdpHasFrags = 1 << 5,
}

/// <summary>attach_flags of BPF_PROG_ATTACH (the cgroup attach modes and replace).</summary>
[Flags]
public enum BpfAttachFlags : uint
{
    /// <summary>Single: one program, no override from descendants.</summary>
    None = 0,
    AllowOverride = 1 << 0,
    AllowMulti = 1 << 1,
    Replace = 1 << 2,
    Before = 1 << 3,
    After = 1 << 4,
    Id = 1 << 5,
    Link = 1 << 13,
}

/// <summary>file_flags of BPF_OBJ_GET.</summary>
[Flags]
public enum BpfObjGetFlags : uint
{
    None = 0,
    ReadOnly = 1 << 3,
    WriteOnly = 1 << 4,
}

/// <summary>flags of BPF_PROG_TEST_RUN.</summary>
[Flags]
public enum BpfTestRunFlags : uint
{
    None = 0,
    RunOnCpu = 1 << 0,
    XdpLiveFrames = 1 << 1,
    SkbChecksumComplete = 1 << 2,
}

/// <summary>enum bpf_stats_type.</summary>
public enum BpfStatsType : uint
{
    RunTime = 0,
}
