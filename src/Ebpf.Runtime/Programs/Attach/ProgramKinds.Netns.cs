namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>An sk_lookup program (section <c>sk_lookup</c>), attached to a network namespace.</summary>
    public static NetnsProgram AsSkLookup(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.SkLookup)
            throw WrongKind(program, "sk_lookup", "AsSkLookup");
        return new NetnsProgram(program, BpfAttachType.SkLookup);
    }

    /// <summary>A flow dissector (section <c>flow_dissector</c>), attached to a network namespace.</summary>
    public static NetnsProgram AsFlowDissector(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.FlowDissector)
            throw WrongKind(program, "flow_dissector", "AsFlowDissector");
        return new NetnsProgram(program, BpfAttachType.FlowDissector);
    }
}
