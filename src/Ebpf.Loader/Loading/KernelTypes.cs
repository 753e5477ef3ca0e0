using Ebpf.Object.Btf;
using Ebpf.Object.Sections;

namespace Ebpf.Loading;

/// <summary>The BTF ids that tracing and LSM programs attach to, from the kernel's BTF (<see cref="CoRe.KernelBtf"/>, read only for such programs).</summary>
internal static class KernelTypes
{
    /// <summary>attach_btf_id for programs whose section names a kernel function, hook or tracepoint; 0 for the rest.</summary>
    public static uint AttachBtfId(SectionDefinition def, string program)
    {
        var (name, kind) = def.ExpectedAttachType switch
        {
            BpfAttachType.TraceRawTp => ("btf_trace_" + def.AttachTarget, BtfKind.Typedef),
            BpfAttachType.TraceFentry or BpfAttachType.TraceFexit or BpfAttachType.ModifyReturn => (def.AttachTarget, BtfKind.Func),
            BpfAttachType.LsmMac or BpfAttachType.LsmCgroup => ("bpf_lsm_" + def.AttachTarget, BtfKind.Func),
            BpfAttachType.TraceIter => ("bpf_iter_" + def.AttachTarget, BtfKind.Func),
            _ => (null, BtfKind.Void),
        };
        if (name is null || def.ProgramType is not (BpfProgramType.Tracing or BpfProgramType.Lsm))
            return 0;
        if (string.IsNullOrEmpty(def.AttachTarget))
            throw new BpfLoadException($"program '{program}' in section \"{def.Section}\" needs a target after the '/': the kernel function, hook or tracepoint it attaches to");
        var type = CoRe.KernelBtf.Shared.FindByName(name, kind)
            ?? throw new BpfLoadException($"program '{program}' in section \"{def.Section}\": the kernel has no {kind.ToString().ToLowerInvariant()} '{name}' to attach to; check the name in /sys/kernel/btf/vmlinux (ebpf btf dump vmlinux --type {name})");
        return (uint)type.Id;
    }
}
