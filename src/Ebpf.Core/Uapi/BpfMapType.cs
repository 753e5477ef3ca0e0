namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_map_type</c>, values as in the UAPI.</summary>
public enum BpfMapType
{
    /// <summary><c>BPF_MAP_TYPE_UNSPEC</c>: No map type; invalid for map creation.</summary>
    Unspec = 0,
    /// <summary><c>BPF_MAP_TYPE_HASH</c>: Hash table keyed by an arbitrary fixed-size key.</summary>
    Hash = 1,
    /// <summary><c>BPF_MAP_TYPE_ARRAY</c>: Array indexed by a 32-bit index; all entries exist and start zeroed.</summary>
    Array = 2,
    /// <summary><c>BPF_MAP_TYPE_PROG_ARRAY</c>: Array of program fds, the targets of tail calls.</summary>
    ProgArray = 3,
    /// <summary><c>BPF_MAP_TYPE_PERF_EVENT_ARRAY</c>: Per-CPU perf ring buffers that programs write events into.</summary>
    PerfEventArray = 4,
    /// <summary><c>BPF_MAP_TYPE_PERCPU_HASH</c>: Hash table holding one value per possible CPU for each key.</summary>
    PercpuHash = 5,
    /// <summary><c>BPF_MAP_TYPE_PERCPU_ARRAY</c>: Array holding one value per possible CPU for each index.</summary>
    PercpuArray = 6,
    /// <summary><c>BPF_MAP_TYPE_STACK_TRACE</c>: Stack traces captured by <c>bpf_get_stackid</c>, keyed by stack id.</summary>
    StackTrace = 7,
    /// <summary><c>BPF_MAP_TYPE_CGROUP_ARRAY</c>: Array of cgroup fds, for cgroup membership checks.</summary>
    CgroupArray = 8,
    /// <summary><c>BPF_MAP_TYPE_LRU_HASH</c>: Hash table that evicts the least recently used entry when full.</summary>
    LruHash = 9,
    /// <summary><c>BPF_MAP_TYPE_LRU_PERCPU_HASH</c>: Per-CPU hash table with least-recently-used eviction.</summary>
    LruPercpuHash = 10,
    /// <summary><c>BPF_MAP_TYPE_LPM_TRIE</c>: Longest-prefix-match trie, e.g. for IP prefixes.</summary>
    LpmTrie = 11,
    /// <summary><c>BPF_MAP_TYPE_ARRAY_OF_MAPS</c>: Array whose values are inner maps.</summary>
    ArrayOfMaps = 12,
    /// <summary><c>BPF_MAP_TYPE_HASH_OF_MAPS</c>: Hash table whose values are inner maps.</summary>
    HashOfMaps = 13,
    /// <summary><c>BPF_MAP_TYPE_DEVMAP</c>: Array of network devices, the targets of XDP redirects.</summary>
    Devmap = 14,
    /// <summary><c>BPF_MAP_TYPE_SOCKMAP</c>: Array of sockets, for socket redirection.</summary>
    Sockmap = 15,
    /// <summary><c>BPF_MAP_TYPE_CPUMAP</c>: Array of CPUs, the targets of XDP redirects to another CPU.</summary>
    Cpumap = 16,
    /// <summary><c>BPF_MAP_TYPE_XSKMAP</c>: Array of AF_XDP sockets, the targets of XDP redirects.</summary>
    Xskmap = 17,
    /// <summary><c>BPF_MAP_TYPE_SOCKHASH</c>: Hash table of sockets, for socket redirection.</summary>
    Sockhash = 18,
    /// <summary><c>BPF_MAP_TYPE_CGROUP_STORAGE</c>: Per-cgroup storage for cgroup programs (legacy form).</summary>
    CgroupStorage = 19,
    /// <summary><c>BPF_MAP_TYPE_REUSEPORT_SOCKARRAY</c>: Array of sockets for <c>SO_REUSEPORT</c> selection.</summary>
    ReuseportSockarray = 20,
    /// <summary><c>BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE</c>: Per-CPU per-cgroup storage for cgroup programs.</summary>
    PercpuCgroupStorage = 21,
    /// <summary><c>BPF_MAP_TYPE_QUEUE</c>: FIFO queue of values without keys.</summary>
    Queue = 22,
    /// <summary><c>BPF_MAP_TYPE_STACK</c>: LIFO stack of values without keys.</summary>
    Stack = 23,
    /// <summary><c>BPF_MAP_TYPE_SK_STORAGE</c>: Storage attached to each socket.</summary>
    SkStorage = 24,
    /// <summary><c>BPF_MAP_TYPE_DEVMAP_HASH</c>: Hash table of network devices, the targets of XDP redirects.</summary>
    DevmapHash = 25,
    /// <summary><c>BPF_MAP_TYPE_STRUCT_OPS</c>: A kernel struct of function pointers implemented by BPF programs.</summary>
    StructOps = 26,
    /// <summary><c>BPF_MAP_TYPE_RINGBUF</c>: Ring buffer shared by all CPUs, for events from programs to user space.</summary>
    Ringbuf = 27,
    /// <summary><c>BPF_MAP_TYPE_INODE_STORAGE</c>: Storage attached to each inode (LSM programs).</summary>
    InodeStorage = 28,
    /// <summary><c>BPF_MAP_TYPE_TASK_STORAGE</c>: Storage attached to each task.</summary>
    TaskStorage = 29,
    /// <summary><c>BPF_MAP_TYPE_BLOOM_FILTER</c>: Bloom filter: membership test with false positives, no deletes.</summary>
    BloomFilter = 30,
    /// <summary><c>BPF_MAP_TYPE_USER_RINGBUF</c>: Ring buffer written by user space and drained by programs.</summary>
    UserRingbuf = 31,
    /// <summary><c>BPF_MAP_TYPE_CGRP_STORAGE</c>: Storage attached to each cgroup.</summary>
    CgrpStorage = 32,
    /// <summary><c>BPF_MAP_TYPE_ARENA</c>: Memory region shared by programs and user space through <c>mmap</c>.</summary>
    Arena = 33,
}
