namespace Ebpf.Native;

/// <summary>A BPF link: the attachment lives as long as this descriptor (or a pin of it).</summary>
public sealed class BpfLinkFd : BpfFd
{
    internal BpfLinkFd(int fd, string? name) : base(fd, BpfObjectKind.Link, name) { }

    private protected override BpfFd WrapSameKind(int fd) => new BpfLinkFd(fd, Name);
}
