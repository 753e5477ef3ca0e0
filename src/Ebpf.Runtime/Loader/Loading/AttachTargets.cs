using Ebpf.Native;
using Ebpf.Object.Btf;
using Ebpf.Object.Sections;

namespace Ebpf.Loading;

/// <summary>
/// What a BTF-attached program is loaded against (attach_btf_id, and attach_prog_fd for a BPF program target): from
/// <see cref="ProgramOptions"/> when set (a BTF id, a kernel function, or a function of a loaded program), else from
/// the section (fentry/FUNC, lsm/HOOK, tp_btf/TRACEPOINT, iter/TARGET). 0 and no descriptor for every other kind.
/// </summary>
internal static class AttachTargets
{
    public readonly record struct Target(uint BtfId, BpfProgramFd? Program);

    public static Target Resolve(string program, SectionDefinition? def, BpfProgramType type, BpfAttachType? attachType, ProgramOptions? settings)
    {
        if (settings?.AttachBtfId is { } id)
            return new Target(id, null);
        if (settings?.AttachProgram is { } target)
            return new Target(ProgramFunctionId(program, target, settings.AttachFunction!, type), target);
        if (type == BpfProgramType.Ext)
            throw new BpfLoadException($"program '{program}'{Where(def)} is an freplace (extension) program: it is loaded against the loaded program whose function it replaces. " +
                $"Name it before load: options.Program(\"{program}\").AttachTarget(targetProgram, \"{def?.AttachTarget ?? "function"}\")");
        return new Target(KernelId(program, def, type, attachType, settings?.AttachFunction ?? def?.AttachTarget), null);
    }

    private static string Where(SectionDefinition? def) => def is null ? "" : $" (section \"{def.Section}\")";

    /// <summary>The kernel BTF id of the function, hook or tracepoint a tracing or LSM program attaches to; 0 for other kinds.</summary>
    private static uint KernelId(string program, SectionDefinition? def, BpfProgramType type, BpfAttachType? attachType, string? target)
    {
        var (prefix, kind) = attachType switch
        {
            BpfAttachType.TraceRawTp => ("btf_trace_", BtfKind.Typedef),
            BpfAttachType.TraceFentry or BpfAttachType.TraceFexit or BpfAttachType.ModifyReturn => ("", BtfKind.Func),
            BpfAttachType.LsmMac or BpfAttachType.LsmCgroup => ("bpf_lsm_", BtfKind.Func),
            BpfAttachType.TraceIter => ("bpf_iter_", BtfKind.Func),
            _ => (null, BtfKind.Void),
        };
        if (prefix is null || type is not (BpfProgramType.Tracing or BpfProgramType.Lsm))
            return 0;
        if (string.IsNullOrEmpty(target))
            throw new BpfLoadException($"program '{program}'{Where(def)} needs a target: the kernel function, hook or tracepoint it attaches to " +
                $"(after the '/' of the section, or options.Program(\"{program}\").AttachTarget(\"name\"))");
        var name = prefix + target;
        var found = CoRe.KernelBtf.Shared.FindByName(name, kind)
            ?? throw new BpfLoadException($"program '{program}'{Where(def)}: the kernel has no {kind.ToString().ToLowerInvariant()} '{name}' to attach to; " +
                $"check the name with ebpf btf funcs {target}, or set another with options.Program(\"{program}\").AttachTarget(\"name\")");
        return (uint)found.Id;
    }

    /// <summary>The BTF id of global function <paramref name="function"/> in the BTF of loaded program <paramref name="target"/> (libbpf's libbpf_find_prog_btf_id).</summary>
    private static uint ProgramFunctionId(string program, BpfProgramFd target, string function, BpfProgramType type)
    {
        var (func, what) = FindFunction(target, function, $"program '{program}' attaches to function '{function}' of");
        if (type == BpfProgramType.Ext && func.Linkage != BtfLinkage.Global)
            throw new BpfLoadException($"program '{program}' would replace function '{function}' of {what}, but that function is static: the kernel replaces only global functions " +
                "(declare it without static and with __attribute__((noinline)) so it stays a function of its own)");
        return (uint)func.Id;
    }

    /// <summary>The FUNC named <paramref name="function"/> in the BTF the kernel holds for loaded program <paramref name="target"/>, and a description of that program for messages.</summary>
    internal static (BtfFunc Func, string Program) FindFunction(BpfProgramFd target, string function, string context)
    {
        var info = BpfSyscall.GetProgramInfo(target);
        var what = $"the target program '{info.Name}' (id {info.Id})";
        if (info.BtfId == 0)
            throw new BpfLoadException($"{context} {what}, which was loaded without BTF, so its functions cannot be named; load it from an object compiled with -g");
        byte[] bytes;
        using (var fd = BpfSyscall.BtfGetFdById(info.BtfId))
            bytes = BpfSyscall.GetBtfData(fd);
        using var btf = Btf.Parse(bytes);
        if (btf.FindByName(function, BtfKind.Func) is not BtfFunc func)
            throw new BpfLoadException($"{context} {what}, which has no function '{function}'; it has: " +
                string.Join(", ", btf.Types.OfType<BtfFunc>().Select(f => f.Name)));
        return (func, what);
    }
}
