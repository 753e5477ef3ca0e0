namespace Ebpf.Native;

/// <summary>
/// What BPF_PROG_LOAD needs. A ref struct so instructions, func/line info and the fd array are passed as spans
/// without copies. Handles stay owned by the caller; fds inside the instructions or <see cref="FdArray"/> must
/// stay open during the call.
/// </summary>
public ref struct ProgLoadRequest
{
    /// <summary>A request to load <paramref name="instructions"/> as a program of <paramref name="type"/>.</summary>
    /// <param name="type">The kernel program type.</param>
    /// <param name="instructions">The encoded instructions, 8 bytes a slot.</param>
    /// <param name="license">The license string, e.g. "GPL" (GPL-only helpers need a compatible one).</param>
    public ProgLoadRequest(BpfProgramType type, ReadOnlySpan<byte> instructions, string license)
    {
        Type = type;
        Instructions = instructions;
        License = license;
    }

    /// <summary>prog_type.</summary>
    public BpfProgramType Type { get; set; }

    /// <summary>Encoded instructions, 8 bytes per slot (LD_IMM64 takes two).</summary>
    public ReadOnlySpan<byte> Instructions { get; set; }

    /// <summary>"GPL" (or a GPL-compatible license) unlocks the GPL-only helpers.</summary>
    public string License { get; set; }

    /// <summary>Name for the kernel (made valid by <see cref="BpfObjectName.ForKernel"/>) and for error messages.</summary>
    public string? Name { get; set; }

    /// <summary>expected_attach_type; null for none.</summary>
    public BpfAttachType? ExpectedAttachType { get; set; }
    /// <summary>prog_flags.</summary>
    public BpfProgLoadFlags Flags { get; set; }

    /// <summary>0: no log, and on a refusal the load is repeated with level 1 to fetch the log for the exception.
    /// 1: the verifier's log; 2: every instruction's state; 4: statistics.</summary>
    public uint LogLevel { get; set; }

    /// <summary>First log buffer size in bytes (default 64 KiB, at least 128); it grows on ENOSPC up to <see cref="BpfSyscall.MaxLogSize"/>.</summary>
    public uint LogSize { get; set; }

    /// <summary>Set to skip the automatic reload with a log after a refusal (a caller probing kernel features).</summary>
    public bool NoLogOnFailure { get; set; }

    /// <summary>prog_btf_fd: the BTF that func_info and line_info refer to.</summary>
    public BpfBtfFd? Btf { get; set; }
    /// <summary>func_info records, <see cref="FuncInfoRecordSize"/> bytes each.</summary>
    public ReadOnlySpan<byte> FuncInfo { get; set; }
    /// <summary>func_info_rec_size, in bytes.</summary>
    public uint FuncInfoRecordSize { get; set; }
    /// <summary>line_info records, <see cref="LineInfoRecordSize"/> bytes each.</summary>
    public ReadOnlySpan<byte> LineInfo { get; set; }
    /// <summary>line_info_rec_size, in bytes.</summary>
    public uint LineInfoRecordSize { get; set; }

    /// <summary>attach_btf_id: the BTF id of the function, hook or struct member the program attaches to.</summary>
    public uint AttachBtfId { get; set; }

    /// <summary>attach_prog_fd (freplace / fentry on a BPF program) or attach_btf_obj_fd (a module's BTF).</summary>
    public BpfFd? AttachTarget { get; set; }

    /// <summary>fd_array: descriptors that instructions refer to by index (BPF_PSEUDO_MAP_IDX, kfunc BTF).</summary>
    public ReadOnlySpan<int> FdArray { get; set; }

    /// <summary>kern_version: checked only by kernels before 5.0, for kprobe programs.</summary>
    public uint KernelVersion { get; set; }
    /// <summary>prog_ifindex: the device to offload the program to; 0 for none.</summary>
    public uint Ifindex { get; set; }
}
