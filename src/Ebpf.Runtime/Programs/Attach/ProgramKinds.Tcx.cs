namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>A tc classifier ("tcx/ingress", "tcx/egress", "tc/ingress", "tc/egress", "tc"), attached with a tcx link.</summary>
    public static TcxProgram AsTcx(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.SchedCls)
            throw WrongKind(program, "a tc classifier (sched_cls)", "AsTcx");
        TcxDirection? declared = program.ExpectedAttachType switch
        {
            BpfAttachType.TcxIngress => TcxDirection.Ingress,
            BpfAttachType.TcxEgress => TcxDirection.Egress,
            _ => null,
        };
        return new TcxProgram(program, declared);
    }
}
