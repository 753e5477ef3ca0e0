namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>A sched_cls program ("tc", "classifier", or any tc section) attached the legacy way: a cls_bpf filter on a clsact qdisc.</summary>
    public static TcProgram AsTc(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.SchedCls)
            throw WrongKind(program, "a sched_cls (tc classifier) program", "AsTc");
        return new TcProgram(program);
    }
}
