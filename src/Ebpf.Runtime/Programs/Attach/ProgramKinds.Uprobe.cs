namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>A kprobe-type program from a uprobe or uretprobe section (.s, .multi too), or one without a section, attached to user code.</summary>
    public static UprobeProgram AsUprobe(this BpfProgram program)
    {
        var section = program.SectionName ?? "";
        if (program.Type != BpfProgramType.Kprobe || section.StartsWith("kprobe", StringComparison.Ordinal) || section.StartsWith("kretprobe", StringComparison.Ordinal)
            || section.StartsWith("ksyscall", StringComparison.Ordinal) || section.StartsWith("kretsyscall", StringComparison.Ordinal) || section.StartsWith("usdt", StringComparison.Ordinal))
            throw WrongKind(program, "a uprobe (sections uprobe, uretprobe, uprobe.s, uprobe.multi ...)", "AsUprobe");
        return new UprobeProgram(program, section.StartsWith("uretprobe", StringComparison.Ordinal));
    }
}
