namespace Ebpf;

/// <summary>Views of a loaded program by kind, each with the Attach overloads that kind has.</summary>
public static partial class ProgramKinds
{
    /// <summary>Views a cgroup skb program, for attaching to a cgroup's ingress or egress.</summary>
    /// <exception cref="BpfException">The program is not a cgroup skb program.</exception>
    public static CgroupSkbProgram AsCgroupSkb(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.CgroupSkb)
            throw WrongKind(program, "cgroup_skb", "AsCgroupSkb");
        SkbDirection? declared = program.ExpectedAttachType switch
        {
            BpfAttachType.CgroupInetIngress => SkbDirection.Ingress,
            BpfAttachType.CgroupInetEgress => SkbDirection.Egress,
            _ => null,
        };
        return new CgroupSkbProgram(program, declared);
    }

    /// <summary>
    /// Any cgroup program kind but skb (sock, sock_addr, sockopt, sysctl, device, sock_ops), attached at the
    /// hook its section names; <paramref name="attachType"/> overrides it for sections that name none.
    /// </summary>
    public static CgroupProgram AsCgroupProgram(this BpfProgram program, BpfAttachType? attachType = null)
    {
        if (program.Type is not (BpfProgramType.CgroupSock or BpfProgramType.CgroupSockAddr or BpfProgramType.CgroupSockopt
            or BpfProgramType.CgroupSysctl or BpfProgramType.CgroupDevice or BpfProgramType.SockOps or BpfProgramType.CgroupSkb))
            throw WrongKind(program, "cgroup (sock, sock_addr, sockopt, sysctl, device, sock_ops)", "AsCgroupProgram");
        if (program.Type == BpfProgramType.CgroupSkb && attachType is null)
            return program.AsCgroupSkb();
        var type = attachType ?? program.ExpectedAttachType ?? program.Spec?.Definition?.AttachType
            ?? throw new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") names no attach type; pass one to AsCgroupProgram");
        return new CgroupProgram(program, type);
    }

    internal static BpfException WrongKind(BpfProgram program, string kind, string method) =>
        new($"program '{program.Name}' is a {program.Type} program (section \"{program.SectionName}\"), not {kind}, so {method} does not apply");
}
