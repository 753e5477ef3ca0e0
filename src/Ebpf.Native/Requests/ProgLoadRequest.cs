namespace Ebpf.Native;

/// <summary>
/// What BPF_PROG_LOAD needs. A ref struct so instructions, func/line info and the fd array are passed as spans
/// without copies. Handles stay owned by the caller; fds inside the instructions or <see cref="FdArray"/> must
/// stay open during the call.
/// </summary>
public ref struct ProgLoadRequest
{
    public ProgLoadRequest(BpfProgramType type, ReadOnlySpan<byte> instructions, string license)
    {
        Type = type;
        Instructions = instructions;
        License = license;
    }

    public BpfProgramType Type { get; set; }

    /// <summary>Encoded instructions, 8 bytes per slot (LD_IMM64 takes two).</summary>
    public ReadOnlySpan<byte> Instructions { get; set; }

    /// <summary>"GPL" (or a GPL-compatible license) unlocks the GPL-only helpers.</summary>
    public string License { get; set; }

    /// <summary>Name for the kernel (made valid by <see cref="BpfObjectName.ForKernel"/>) and for error messages.</summary>
    public string? Name { get; set; }

    public BpfAttachType? ExpectedAttachType { get; set; }
    public BpfProgLoadFlags Flags { get; set; }

    /// <summary>0: no log, and on a refusal the load is repeated with level 1 to fetch the log for the exception.
    /// 1: the verifier's log; 2: every instruction's state; 4: statistics.</summary>
    public uint LogLevel { get; set; }

    /// <summary>First log buffer size in bytes (default 64 KiB, at least 128); it grows on ENOSPC up to <see cref="BpfSyscall.MaxLogSize"/>.</summary>
    public uint LogSize { get; set; }

    /// <summary>Set to skip the automatic reload with a log after a refusal (a caller probing kernel features).</summary>
    public bool NoLogOnFailure { get; set; }

    public BpfBtfFd? Btf { get; set; }
    public ReadOnlySpan<byte> FuncInfo { get; set; }
    public uint FuncInfoRecordSize { get; set; }
    public ReadOnlySpan<byte> LineInfo { get; set; }
    public uint LineInfoRecordSize { get; set; }

    public uint AttachBtfId { get; set; }

    /// <summary>attach_prog_fd (freplace / fentry on a BPF program) or attach_btf_obj_fd (a module's BTF).</summary>
    public BpfFd? AttachTarget { get; set; }

    /// <summary>fd_array: descriptors that instructions refer to by index (BPF_PSEUDO_MAP_IDX, kfunc BTF).</summary>
    public ReadOnlySpan<int> FdArray { get; set; }

    public uint KernelVersion { get; set; }
    public uint Ifindex { get; set; }
}
