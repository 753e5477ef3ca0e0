namespace Ebpf.Object.Sections;

/// <summary>What the part after "name/" holds, and so how it is parsed and checked.</summary>
public enum SectionTargetKind
{
    /// <summary>The section takes no target.</summary>
    None,
    /// <summary><c>function[+offset]</c> (kprobe, kretprobe; no offset for kretprobe).</summary>
    KernelFunction,
    /// <summary>A pattern of <c>a-zA-Z0-9_.*?</c> (kprobe.multi, kretprobe.multi, kprobe.session).</summary>
    KernelFunctionPattern,
    /// <summary>A system call name without the arch prefix (ksyscall, kretsyscall).</summary>
    Syscall,
    /// <summary><c>path:function[+offset]</c> (uprobe, uretprobe).</summary>
    UserFunction,
    /// <summary><c>path:pattern</c> (uprobe.multi, uretprobe.multi, uprobe.session).</summary>
    UserFunctionPattern,
    /// <summary><c>path:provider:name</c> (usdt).</summary>
    Usdt,
    /// <summary><c>category/name</c> (tracepoint, tp).</summary>
    Tracepoint,
    /// <summary>A raw tracepoint name (raw_tp, raw_tracepoint, .w).</summary>
    RawTracepoint,
    /// <summary>A BTF-typed raw tracepoint name (tp_btf).</summary>
    BtfTracepoint,
    /// <summary>A kernel function found by BTF, optionally <c>module:function</c> (fentry, fexit, fmod_ret).</summary>
    BtfFunction,
    /// <summary>A global function of another BPF program, named by its BTF (freplace).</summary>
    ProgramFunction,
    /// <summary>An LSM hook name without the "bpf_lsm_" prefix (lsm, lsm.s, lsm_cgroup).</summary>
    LsmHook,
    /// <summary>An iterator target such as <c>task</c> or <c>bpf_map_elem</c> (iter).</summary>
    Iterator,
    /// <summary>A struct_ops member name; libbpf ignores it, the binding is in <c>.struct_ops</c>.</summary>
    StructOpsMember,
}
