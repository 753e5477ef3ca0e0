namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>A netfilter program (section <c>netfilter</c>), attached at a hook of a protocol family with a priority.</summary>
    public static NetfilterProgram AsNetfilter(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Netfilter)
            throw WrongKind(program, "netfilter", "AsNetfilter");
        return new NetfilterProgram(program);
    }
}
