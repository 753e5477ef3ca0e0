namespace Ebpf.Native;

/// <summary>BTF loaded in the kernel (struct bpf_btf_info): vmlinux and modules have IsKernel set and a name.</summary>
public sealed record BpfBtfInfo(uint Id, string Name, uint Size, bool IsKernel);
