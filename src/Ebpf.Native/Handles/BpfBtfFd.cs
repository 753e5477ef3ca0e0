namespace Ebpf.Native;

/// <summary>BTF loaded into the kernel (BPF_BTF_LOAD or BPF_BTF_GET_FD_BY_ID).</summary>
public sealed class BpfBtfFd : BpfFd
{
    internal BpfBtfFd(int fd, string? name) : base(fd, BpfObjectKind.Btf, name) { }

    private protected override BpfFd WrapSameKind(int fd) => new BpfBtfFd(fd, Name);
}
