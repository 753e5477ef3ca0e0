using System.Runtime.InteropServices;
using Ebpf.Native;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands.Kernel;

/// <summary>
/// The raw bytes of BTF loaded in the kernel, by id. Bpf.GetBtfInfo gives only the name and size, so this asks
/// BPF_OBJ_GET_INFO_BY_FD itself (through the Bpf.Syscall escape hatch) with the bpf_btf_info.btf buffer set.
/// </summary>
internal static unsafe class KernelBtf
{
    /// <summary>Parsed BTF of id <paramref name="id"/>. Map BTF from user objects is standalone; module BTF is split
    /// (it needs vmlinux as its base), which the parser does not do: that throws and the caller falls back to hex.</summary>
    public static BtfSpec Load(uint id)
    {
        using var fd = Bpf.BtfGetFdById(id);
        var info = Bpf.GetBtfInfo(fd);
        if (info.IsKernel && info.Name != "vmlinux")
            throw new BpfException($"BTF id {id} is kernel module BTF ('{info.Name}'), split on vmlinux; it cannot be read on its own.");
        return BtfSpec.Parse(Read(fd, id));
    }

    /// <summary>Two calls: the first learns btf_size, the second copies that many bytes.</summary>
    public static byte[] Read(BpfBtfFd fd, uint id)
    {
        BtfInfo info = default;
        Get(fd, &info, id);
        var bytes = new byte[info.BtfSize];
        fixed (byte* p = bytes)
        {
            info = default;
            info.Btf = (ulong)p;
            info.BtfSize = (uint)bytes.Length;
            Get(fd, &info, id);
        }
        // The BTF cannot change once loaded, but a short copy would mean we misread the struct: say so rather than parse garbage.
        if (info.BtfSize != bytes.Length)
            throw new BpfException($"BTF id {id}: the kernel reported {info.BtfSize} bytes after reporting {bytes.Length}.");
        return bytes;
    }

    private static void Get(BpfBtfFd fd, BtfInfo* info, uint id)
    {
        bool added = false;
        fd.DangerousAddRef(ref added); // keep the descriptor number ours for the length of the call
        try
        {
            InfoAttr attr = default;
            attr.BpfFd = (uint)fd.Fd;
            attr.InfoLen = (uint)sizeof(BtfInfo);
            attr.Info = (ulong)info;
            long r = Bpf.Syscall(BpfCommand.ObjGetInfoByFd, &attr, (uint)sizeof(InfoAttr));
            if (r < 0)
                throw new BpfException($"Cannot read BTF id {id}: BPF_OBJ_GET_INFO_BY_FD failed with {Errno.Name((int)-r)} ({Errno.Description((int)-r)}).");
        }
        finally
        {
            if (added) fd.DangerousRelease();
        }
    }

    /// <summary>The BPF_OBJ_GET_INFO_BY_FD member of union bpf_attr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InfoAttr
    {
        public uint BpfFd;
        public uint InfoLen;
        public ulong Info;
    }

    /// <summary>struct bpf_btf_info (include/uapi/linux/bpf.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BtfInfo
    {
        public ulong Btf;
        public uint BtfSize;
        public uint Id;
        public ulong Name;
        public uint NameLen;
        public uint KernelBtf;
    }
}
