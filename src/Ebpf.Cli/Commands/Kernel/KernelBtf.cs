using Ebpf.Native;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands.Kernel;

/// <summary>BTF loaded in the kernel, by id, parsed: the bytes come from the native layer (BpfSyscall.GetBtfData).</summary>
internal static class KernelBtf
{
    /// <summary>Parsed BTF of id <paramref name="id"/>. Map BTF from user objects is standalone; module BTF is split
    /// (it needs vmlinux as its base), which the parser does not do: that throws and the caller falls back to hex.</summary>
    public static BtfSpec Load(uint id)
    {
        using var fd = BpfSyscall.BtfGetFdById(id);
        var info = BpfSyscall.GetBtfInfo(fd);
        if (info.IsKernel && info.Name != "vmlinux")
            throw new BpfException($"BTF id {id} is kernel module BTF ('{info.Name}'), split on vmlinux; it cannot be read on its own.");
        return BtfSpec.Parse(BpfSyscall.GetBtfData(fd));
    }
}
