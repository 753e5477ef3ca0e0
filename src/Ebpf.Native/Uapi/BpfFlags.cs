namespace Ebpf.Native;

/// <summary>map_flags of BPF_MAP_CREATE (BPF_F_*), kernel values.</summary>
[Flags]
public enum BpfMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>BPF_F_NO_PREALLOC</c>: Allocate hash elements on update instead of all at creation.</summary>
    NoPrealloc = 1 << 0,
    /// <summary><c>BPF_F_NO_COMMON_LRU</c>: One LRU list per CPU instead of a shared one.</summary>
    NoCommonLru = 1 << 1,
    /// <summary><c>BPF_F_NUMA_NODE</c>: Allocate on the NUMA node given at creation.</summary>
    NumaNode = 1 << 2,
    /// <summary><c>BPF_F_RDONLY</c>: User space may only read the map.</summary>
    ReadOnly = 1 << 3,
    /// <summary><c>BPF_F_WRONLY</c>: User space may only write the map.</summary>
    WriteOnly = 1 << 4,
    /// <summary><c>BPF_F_STACK_BUILD_ID</c>: Stack traces hold build ids and offsets instead of addresses.</summary>
    StackBuildId = 1 << 5,
    /// <summary><c>BPF_F_ZERO_SEED</c>: Hash with seed 0 (reproducible, for testing).</summary>
    ZeroSeed = 1 << 6,
    /// <summary><c>BPF_F_RDONLY_PROG</c>: Programs may only read the map.</summary>
    ReadOnlyProg = 1 << 7,
    /// <summary><c>BPF_F_WRONLY_PROG</c>: Programs may only write the map.</summary>
    WriteOnlyProg = 1 << 8,
    /// <summary><c>BPF_F_CLONE</c>: Socket storage is copied to sockets cloned from its socket.</summary>
    Clone = 1 << 9,
    /// <summary><c>BPF_F_MMAPABLE</c>: The array can be mapped into user space.</summary>
    Mmapable = 1 << 10,
    /// <summary><c>BPF_F_PRESERVE_ELEMS</c>: A perf event array keeps its entries when the descriptor that added them closes.</summary>
    PreserveElems = 1 << 11,
    /// <summary><c>BPF_F_INNER_MAP</c>: An inner map may be replaced by one of another max_entries.</summary>
    InnerMap = 1 << 12,
    /// <summary><c>BPF_F_LINK</c>: A struct_ops map registered through a link.</summary>
    Link = 1 << 13,
    /// <summary><c>BPF_F_PATH_FD</c>: BPF_OBJ_PIN/GET take a directory descriptor with the path.</summary>
    PathFd = 1 << 14,
    /// <summary><c>BPF_F_VTYPE_BTF_OBJ_FD</c>: The value type is in the module BTF given by descriptor.</summary>
    VTypeBtfObjFd = 1 << 15,
    /// <summary><c>BPF_F_TOKEN_FD</c>: A BPF token is passed with the command.</summary>
    TokenFd = 1 << 16,
    /// <summary><c>BPF_F_SEGV_ON_FAULT</c>: User-space access to an unmapped arena page raises SIGSEGV.</summary>
    SegvOnFault = 1 << 17,
    /// <summary><c>BPF_F_NO_USER_CONV</c>: Arena pointers are not converted to user-space addresses.</summary>
    NoUserConv = 1 << 18,
}

/// <summary>flags of the element commands (BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK).</summary>
[Flags]
public enum BpfUpdateFlags : ulong
{
    /// <summary><c>BPF_ANY</c>: Create the element or update it.</summary>
    Any = 0,
    /// <summary><c>BPF_NOEXIST</c>: Create the element only if its key is absent.</summary>
    NoExist = 1,
    /// <summary><c>BPF_EXIST</c>: Update the element only if its key is present.</summary>
    Exist = 2,
    /// <summary><c>BPF_F_LOCK</c>: Take the value's <c>bpf_spin_lock</c> while copying.</summary>
    Lock = 4,
}

/// <summary>prog_flags of BPF_PROG_LOAD.</summary>
[Flags]
public enum BpfProgLoadFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>BPF_F_STRICT_ALIGNMENT</c>: Verify alignment as on architectures that need it.</summary>
    StrictAlignment = 1 << 0,
    /// <summary><c>BPF_F_ANY_ALIGNMENT</c>: Skip alignment checks (testing only).</summary>
    AnyAlignment = 1 << 1,
    /// <summary><c>BPF_F_TEST_RND_HI32</c>: Randomize upper halves of 32-bit results (testing only).</summary>
    TestRandomHi32 = 1 << 2,
    /// <summary><c>BPF_F_TEST_STATE_FREQ</c>: Check verifier state pruning more often (testing only).</summary>
    TestStateFreq = 1 << 3,
    /// <summary><c>BPF_F_SLEEPABLE</c>: The program may sleep (sleepable fentry, LSM, uprobes...).</summary>
    Sleepable = 1 << 4,
    /// <summary><c>BPF_F_XDP_HAS_FRAGS</c>: The XDP program handles multi-buffer packets.</summary>
    XdpHasFrags = 1 << 5,
}

/// <summary>attach_flags of BPF_PROG_ATTACH (the cgroup attach modes and replace).</summary>
[Flags]
public enum BpfAttachFlags : uint
{
    /// <summary>Single: one program, no override from descendants.</summary>
    None = 0,
    /// <summary><c>BPF_F_ALLOW_OVERRIDE</c>: A descendant cgroup's program replaces this one.</summary>
    AllowOverride = 1 << 0,
    /// <summary><c>BPF_F_ALLOW_MULTI</c>: Several programs run, this cgroup's and its ancestors'.</summary>
    AllowMulti = 1 << 1,
    /// <summary><c>BPF_F_REPLACE</c>: Replace the given program atomically.</summary>
    Replace = 1 << 2,
    /// <summary><c>BPF_F_BEFORE</c>: Insert before the relative program or link (tcx, netkit).</summary>
    Before = 1 << 3,
    /// <summary><c>BPF_F_AFTER</c>: Insert after the relative program or link.</summary>
    After = 1 << 4,
    /// <summary><c>BPF_F_ID</c>: The relative object is given by id, not descriptor.</summary>
    Id = 1 << 5,
    /// <summary><c>BPF_F_LINK</c>: The relative object is a link.</summary>
    Link = 1 << 13,
}

/// <summary>file_flags of BPF_OBJ_GET.</summary>
[Flags]
public enum BpfObjGetFlags : uint
{
    /// <summary>Read and write access.</summary>
    None = 0,
    /// <summary><c>BPF_F_RDONLY</c>: Open for reading only.</summary>
    ReadOnly = 1 << 3,
    /// <summary><c>BPF_F_WRONLY</c>: Open for writing only.</summary>
    WriteOnly = 1 << 4,
}

/// <summary>flags of BPF_PROG_TEST_RUN.</summary>
[Flags]
public enum BpfTestRunFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary><c>BPF_F_TEST_RUN_ON_CPU</c>: Run on the CPU given in the request.</summary>
    RunOnCpu = 1 << 0,
    /// <summary><c>BPF_F_TEST_XDP_LIVE_FRAMES</c>: Send XDP results out for real (XDP_TX, redirects).</summary>
    XdpLiveFrames = 1 << 1,
    /// <summary><c>BPF_F_TEST_SKB_CHECKSUM_COMPLETE</c>: The test packet carries CHECKSUM_COMPLETE.</summary>
    SkbChecksumComplete = 1 << 2,
}

/// <summary>enum bpf_stats_type.</summary>
public enum BpfStatsType : uint
{
    /// <summary><c>BPF_STATS_RUN_TIME</c>: Count each program's runs and run time.</summary>
    RunTime = 0,
}
