namespace Ebpf.Object.Relocations;

/// <summary>What an instruction's relocation refers to, which decides how the loader patches it.</summary>
public enum RelocationKind
{
    /// <summary>LD_IMM64 of a map: becomes BPF_PSEUDO_MAP_FD (or MAP_IDX) at load.</summary>
    Map,
    /// <summary>LD_IMM64 of a global variable: becomes BPF_PSEUDO_MAP_VALUE of the section's array map plus an offset.</summary>
    GlobalData,
    /// <summary>A BPF-to-BPF call to a function of the object.</summary>
    Call,
    /// <summary>LD_IMM64 of a function's address (callbacks such as bpf_loop): becomes BPF_PSEUDO_FUNC.</summary>
    FunctionAddress,
    /// <summary>A reference to an extern: a kernel symbol (.ksyms, kfunc call) or a Kconfig value (.kconfig).</summary>
    Extern,
}
