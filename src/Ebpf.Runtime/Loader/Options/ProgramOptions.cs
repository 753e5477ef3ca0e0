using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// What to change in one program of an object before it is loaded (libbpf's <c>bpf_program__set_*</c>): a null property
/// keeps what the section says. Got from <see cref="BpfLoadOptions.Program(string)"/>.
/// </summary>
public sealed class ProgramOptions
{
    internal ProgramOptions(string name) => Name = name;

    /// <summary>The program's function name.</summary>
    public string Name { get; }

    /// <summary>False: the program is not loaded (libbpf's autoload), for example the fentry variant of a tool whose kernel only has kprobes.</summary>
    public bool AutoLoad { get; set; } = true;

    /// <summary>The program type to load as, instead of the one the section implies.</summary>
    public BpfProgramType? Type { get; set; }
    /// <summary>The expected attach type to load with, instead of the one the section implies.</summary>
    public BpfAttachType? ExpectedAttachType { get; set; }

    /// <summary>BPF_PROG_LOAD flags (sleepable, XDP frags, ...) instead of those the section implies.</summary>
    public BpfProgLoadFlags? Flags { get; set; }

    /// <summary>Verifier log level for this program (see <see cref="BpfLoadOptions.LogLevel"/>).</summary>
    public uint? LogLevel { get; set; }

    /// <summary>The verifier log buffer's first size in bytes (it grows when too small).</summary>
    public uint? LogSize { get; set; }

    /// <summary>The kernel function, LSM hook or BTF tracepoint to attach to, instead of the one in the section (fentry, fexit, fmod_ret, lsm, tp_btf).</summary>
    public string? AttachFunction { get; private set; }

    /// <summary>A kernel BTF id to attach to, as found with <c>ebpf btf funcs</c>.</summary>
    public uint? AttachBtfId { get; private set; }

    /// <summary>The loaded program whose function <see cref="AttachFunction"/> is the target (freplace; fentry/fexit on a BPF program).</summary>
    public BpfProgramFd? AttachProgram { get; private set; }

    /// <summary>Attach to kernel function (or hook, or tracepoint) <paramref name="function"/> (libbpf's set_attach_target with no program).</summary>
    public ProgramOptions AttachTarget(string function)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        (AttachFunction, AttachBtfId, AttachProgram) = (function, null, null);
        return this;
    }

    /// <summary>Attach to the kernel BTF type with id <paramref name="btfId"/> (in vmlinux).</summary>
    public ProgramOptions AttachTarget(uint btfId)
    {
        (AttachFunction, AttachBtfId, AttachProgram) = (null, btfId, null);
        return this;
    }

    /// <summary>
    /// Attach to global function <paramref name="function"/> of the loaded program <paramref name="target"/>: an freplace
    /// program replaces it, an fentry/fexit program traces it. The target must stay loaded until this program is.
    /// </summary>
    public ProgramOptions AttachTarget(BpfProgram target, string function) => AttachTarget(target.Fd, function);

    /// <inheritdoc cref="AttachTarget(BpfProgram, string)"/>
    public ProgramOptions AttachTarget(BpfProgramFd target, string function)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(function);
        (AttachFunction, AttachBtfId, AttachProgram) = (function, null, target);
        return this;
    }
}
