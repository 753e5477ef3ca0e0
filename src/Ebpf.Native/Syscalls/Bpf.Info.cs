using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>BPF_OBJ_GET_INFO_BY_FD on a program, with its map ids (a second call, with a buffer, when it uses maps).</summary>
    public static BpfProgramInfo GetProgramInfo(BpfProgramFd program)
    {
        using var lease = new FdLease(program);
        ProgInfoRaw info = default;
        GetInfo(lease.Fd, &info, (uint)sizeof(ProgInfoRaw), program);
        var mapIds = info.NrMapIds == 0 ? [] : new uint[info.NrMapIds];
        if (mapIds.Length > 0)
        {
            fixed (uint* ids = mapIds)
            {
                // A fresh struct: non-zero lengths left from the first call would ask the kernel to copy instructions too.
                ProgInfoRaw second = default;
                second.NrMapIds = (uint)mapIds.Length;
                second.MapIds = (ulong)ids;
                GetInfo(lease.Fd, &second, (uint)sizeof(ProgInfoRaw), program);
                if (second.NrMapIds < mapIds.Length) Array.Resize(ref mapIds, (int)second.NrMapIds);
            }
        }
        return new BpfProgramInfo(
            (BpfProgramType)info.Type, info.Id, FromCString(new ReadOnlySpan<byte>(info.Name, 16)),
            Convert.ToHexStringLower(new ReadOnlySpan<byte>(info.Tag, 8)),
            info.JitedProgLen, info.XlatedProgLen, info.LoadTime, info.CreatedByUid, mapIds, info.BtfId,
            (info.GplCompatible & 1) != 0, info.RunTimeNs, info.RunCnt, info.RecursionMisses, info.VerifiedInsns,
            info.AttachBtfObjId, info.AttachBtfId, info.Ifindex);
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD on a map.</summary>
    public static BpfMapInfo GetMapInfo(BpfMapFd map)
    {
        using var lease = new FdLease(map);
        return MapInfoOf(lease.Fd, map);
    }

    private static BpfMapInfo MapInfoOf(int fd, BpfFd? forErrors)
    {
        MapInfoRaw info = default;
        GetInfo(fd, &info, (uint)sizeof(MapInfoRaw), forErrors);
        return new BpfMapInfo((BpfMapType)info.Type, info.Id, FromCString(new ReadOnlySpan<byte>(info.Name, 16)),
            (int)info.KeySize, (int)info.ValueSize, info.MaxEntries, (BpfMapFlags)info.MapFlags, info.Ifindex,
            info.BtfId, info.BtfKeyTypeId, info.BtfValueTypeId, info.BtfVmlinuxValueTypeId, info.MapExtra);
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD on a link.</summary>
    public static BpfLinkInfo GetLinkInfo(BpfLinkFd link)
    {
        using var lease = new FdLease(link);
        LinkInfoRaw info = default;
        GetInfo(lease.Fd, &info, (uint)sizeof(LinkInfoRaw), link);
        var type = (BpfLinkType)info.Type;
        var result = new BpfLinkInfo(type, info.Id, info.ProgId);
        return type switch
        {
            BpfLinkType.Cgroup => result with { CgroupId = info.CgroupId, AttachType = (BpfAttachType)info.CgroupAttachType },
            BpfLinkType.Tracing => result with { AttachType = (BpfAttachType)info.Union0, TargetObjectId = info.Union1, TargetBtfId = info.Union2 },
            BpfLinkType.Netns => result with { NetnsIno = info.Union0, AttachType = (BpfAttachType)info.Union1 },
            BpfLinkType.Xdp => result with { Ifindex = info.Union0 },
            BpfLinkType.Tcx or BpfLinkType.Netkit => result with { Ifindex = info.Union0, AttachType = (BpfAttachType)info.Union1 },
            _ => result,
        };
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD on BTF.</summary>
    public static BpfBtfInfo GetBtfInfo(BpfBtfFd btf)
    {
        using var lease = new FdLease(btf);
        byte* name = stackalloc byte[64];
        BtfInfoRaw info = default;
        info.Name = (ulong)name;
        info.NameLen = 64;
        GetInfo(lease.Fd, &info, (uint)sizeof(BtfInfoRaw), btf);
        return new BpfBtfInfo(info.Id, FromCString(new ReadOnlySpan<byte>(name, 64)), info.BtfSize, info.KernelBtf != 0);
    }

    /// <summary>The raw bytes of BTF loaded in the kernel (a program's BTF, as BPF_OBJ_GET_INFO_BY_FD copies it out).</summary>
    public static byte[] GetBtfData(BpfBtfFd btf)
    {
        using var lease = new FdLease(btf);
        BtfInfoRaw info = default;
        GetInfo(lease.Fd, &info, (uint)sizeof(BtfInfoRaw), btf);
        var data = new byte[info.BtfSize];
        fixed (byte* p = data)
        {
            BtfInfoRaw second = default;
            second.Btf = (ulong)p;
            second.BtfSize = (uint)data.Length;
            GetInfo(lease.Fd, &second, (uint)sizeof(BtfInfoRaw), btf);
            // Loaded BTF cannot change, so another size means the struct was misread: say so rather than return garbage.
            if (second.BtfSize != data.Length)
                throw new BpfException($"{btf.Describe()}: the kernel reported {second.BtfSize} bytes of BTF after reporting {data.Length}.");
        }
        return data;
    }

    private static void GetInfo(int fd, void* info, uint length, BpfFd? forErrors)
    {
        InfoAttr attr = default;
        attr.BpfFd = (uint)fd;
        attr.InfoLen = length;
        attr.Info = (ulong)info;
        int r = Sys(BpfCommand.ObjGetInfoByFd, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ObjGetInfoByFd, -r, forErrors?.Describe() ?? $"fd {fd}", forErrors?.Name);
    }
}
