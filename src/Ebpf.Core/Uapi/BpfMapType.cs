namespace Ebpf;

/// <summary>The kernel's <c>enum bpf_map_type</c>, values as in the UAPI.</summary>
public enum BpfMapType
{
    Unspec = 0,  // BPF_MAP_TYPE_UNSPEC
    Hash = 1,  // BPF_MAP_TYPE_HASH
    Array = 2,  // BPF_MAP_TYPE_ARRAY
    ProgArray = 3,  // BPF_MAP_TYPE_PROG_ARRAY
    PerfEventArray = 4,  // BPF_MAP_TYPE_PERF_EVENT_ARRAY
    PercpuHash = 5,  // BPF_MAP_TYPE_PERCPU_HASH
    PercpuArray = 6,  // BPF_MAP_TYPE_PERCPU_ARRAY
    StackTrace = 7,  // BPF_MAP_TYPE_STACK_TRACE
    CgroupArray = 8,  // BPF_MAP_TYPE_CGROUP_ARRAY
    LruHash = 9,  // BPF_MAP_TYPE_LRU_HASH
    LruPercpuHash = 10,  // BPF_MAP_TYPE_LRU_PERCPU_HASH
    LpmTrie = 11,  // BPF_MAP_TYPE_LPM_TRIE
    ArrayOfMaps = 12,  // BPF_MAP_TYPE_ARRAY_OF_MAPS
    HashOfMaps = 13,  // BPF_MAP_TYPE_HASH_OF_MAPS
    Devmap = 14,  // BPF_MAP_TYPE_DEVMAP
    Sockmap = 15,  // BPF_MAP_TYPE_SOCKMAP
    Cpumap = 16,  // BPF_MAP_TYPE_CPUMAP
    Xskmap = 17,  // BPF_MAP_TYPE_XSKMAP
    Sockhash = 18,  // BPF_MAP_TYPE_SOCKHASH
    CgroupStorage = 19,  // BPF_MAP_TYPE_CGROUP_STORAGE
    ReuseportSockarray = 20,  // BPF_MAP_TYPE_REUSEPORT_SOCKARRAY
    PercpuCgroupStorage = 21,  // BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
    Queue = 22,  // BPF_MAP_TYPE_QUEUE
    Stack = 23,  // BPF_MAP_TYPE_STACK
    SkStorage = 24,  // BPF_MAP_TYPE_SK_STORAGE
    DevmapHash = 25,  // BPF_MAP_TYPE_DEVMAP_HASH
    StructOps = 26,  // BPF_MAP_TYPE_STRUCT_OPS
    Ringbuf = 27,  // BPF_MAP_TYPE_RINGBUF
    InodeStorage = 28,  // BPF_MAP_TYPE_INODE_STORAGE
    TaskStorage = 29,  // BPF_MAP_TYPE_TASK_STORAGE
    BloomFilter = 30,  // BPF_MAP_TYPE_BLOOM_FILTER
    UserRingbuf = 31,  // BPF_MAP_TYPE_USER_RINGBUF
    CgrpStorage = 32,  // BPF_MAP_TYPE_CGRP_STORAGE
    Arena = 33,  // BPF_MAP_TYPE_ARENA
}
