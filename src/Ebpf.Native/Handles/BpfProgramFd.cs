namespace Ebpf.Native;

/// <summary>A loaded program.</summary>
public sealed class BpfProgramFd : BpfFd
{
    internal BpfProgramFd(int fd, string? name, BpfProgramType type) : base(fd, BpfObjectKind.Program, name) => Type = type;

    /// <summary>prog_type as loaded.</summary>
    public BpfProgramType Type { get; }

    private protected override BpfFd WrapSameKind(int fd) => new BpfProgramFd(fd, Name, Type);
}
