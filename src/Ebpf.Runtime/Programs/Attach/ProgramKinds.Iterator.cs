namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>An iterator program (section <c>iter/KIND</c>), attached with an iter link and read as a stream.</summary>
    public static IteratorProgram AsIterator(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Tracing || (program.ExpectedAttachType is { } t && t != BpfAttachType.TraceIter))
            throw WrongKind(program, "an iterator (section \"iter/KIND\")", "AsIterator");
        return new IteratorProgram(program, program.Spec?.Definition?.AttachTarget);
    }
}
