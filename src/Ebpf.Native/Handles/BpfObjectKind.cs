namespace Ebpf.Native;

/// <summary>What a BPF file descriptor refers to. Decides which get_next_id / get_fd_by_id commands apply.</summary>
public enum BpfObjectKind
{
    /// <summary>Not known yet (e.g. an fd from BPF_OBJ_GET before its kind was read).</summary>
    Unknown = 0,
    /// <summary>A map.</summary>
    Map,
    /// <summary>A program.</summary>
    Program,
    /// <summary>A link.</summary>
    Link,
    /// <summary>A BTF object.</summary>
    Btf,
    /// <summary>Any other BPF fd, e.g. the one BPF_ENABLE_STATS returns.</summary>
    Other,
}
