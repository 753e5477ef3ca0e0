namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>An XDP program ("xdp", "xdp.frags"), attached to a network interface.</summary>
    public static XdpProgram AsXdp(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Xdp)
            throw WrongKind(program, "XDP", "AsXdp");
        if (program.ExpectedAttachType is BpfAttachType.XdpDevmap or BpfAttachType.XdpCpumap)
            throw new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") runs from a {(program.ExpectedAttachType == BpfAttachType.XdpDevmap ? "devmap" : "cpumap")} entry, not on an interface: " +
                "store its descriptor in that map's value, or declare it [Xdp] (section \"xdp\") to attach it to an interface");
        return new XdpProgram(program);
    }
}
