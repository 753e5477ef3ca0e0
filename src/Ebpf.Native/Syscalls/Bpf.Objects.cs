using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>BPF_OBJ_PIN: makes the object outlive its descriptors under a bpffs path.</summary>
    public static void ObjPin(BpfFd obj, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] cpath = CString(path);
        using var lease = new FdLease(obj);
        fixed (byte* p = cpath)
        {
            ObjPinAttr attr = default;
            attr.Pathname = (ulong)p;
            attr.BpfFd = (uint)lease.Fd;
            int r = Sys(BpfCommand.ObjPin, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ObjPin, -r, $"{obj.Describe()} at path '{path}'", path);
        }
    }

    /// <summary>BPF_OBJ_GET: opens a pinned object; <see cref="BpfFd.Kind"/> says what it is.</summary>
    public static BpfFd ObjGet(string path, BpfObjGetFlags flags = BpfObjGetFlags.None)
    {
        int fd = ObjGetRaw(path, flags);
        return Wrap(fd, KindOf(fd), path);
    }

    /// <summary>BPF_OBJ_GET of a pinned map, with its shape read from the kernel.</summary>
    public static BpfMapFd ObjGetMap(string path, BpfObjGetFlags flags = BpfObjGetFlags.None) =>
        (BpfMapFd)Wrap(ExpectKind(ObjGetRaw(path, flags), BpfObjectKind.Map, $"path '{path}'"), BpfObjectKind.Map, path);

    /// <summary>BPF_OBJ_GET of a pinned program.</summary>
    public static BpfProgramFd ObjGetProgram(string path) =>
        (BpfProgramFd)Wrap(ExpectKind(ObjGetRaw(path, 0), BpfObjectKind.Program, $"path '{path}'"), BpfObjectKind.Program, path);

    /// <summary>BPF_OBJ_GET of a pinned link.</summary>
    public static BpfLinkFd ObjGetLink(string path) =>
        (BpfLinkFd)Wrap(ExpectKind(ObjGetRaw(path, 0), BpfObjectKind.Link, $"path '{path}'"), BpfObjectKind.Link, path);

    private static int ObjGetRaw(string path, BpfObjGetFlags flags)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] cpath = CString(path);
        fixed (byte* p = cpath)
        {
            ObjPinAttr attr = default;
            attr.Pathname = (ulong)p;
            attr.FileFlags = (uint)flags;
            int r = Sys(BpfCommand.ObjGet, &attr);
            if (r < 0) throw BpfErrors.FromPath(BpfCommand.ObjGet, -r, path);
            return r;
        }
    }

    /// <summary>BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID: the next id after <paramref name="startId"/> (0 for the first), or null after the last.</summary>
    public static uint? GetNextId(BpfObjectKind kind, uint startId)
    {
        var command = kind switch
        {
            BpfObjectKind.Program => BpfCommand.ProgGetNextId,
            BpfObjectKind.Map => BpfCommand.MapGetNextId,
            BpfObjectKind.Btf => BpfCommand.BtfGetNextId,
            BpfObjectKind.Link => BpfCommand.LinkGetNextId,
            _ => throw new BpfException($"There are no ids to enumerate for {kind} objects: use Program, Map, Btf or Link."),
        };
        GetIdAttr attr = default;
        attr.StartId = startId;
        int r = Sys(command, &attr);
        if (r >= 0) return attr.NextId;
        if (r == -SyscallErrno.ENOENT) return null;
        throw BpfErrors.FromErrno(command, -r, $"{kind.ToString().ToLowerInvariant()} ids after {startId}");
    }

    /// <summary>All ids of one kind, in increasing order (objects may go away meanwhile).</summary>
    public static List<uint> GetIds(BpfObjectKind kind)
    {
        var ids = new List<uint>();
        for (uint? id = GetNextId(kind, 0); id is { } current; id = GetNextId(kind, current)) ids.Add(current);
        return ids;
    }

    /// <summary>BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID, returning the typed handle (<see cref="BpfMapFd"/>, ...).</summary>
    public static BpfFd GetFdById(BpfObjectKind kind, uint id)
    {
        var command = kind switch
        {
            BpfObjectKind.Program => BpfCommand.ProgGetFdById,
            BpfObjectKind.Map => BpfCommand.MapGetFdById,
            BpfObjectKind.Btf => BpfCommand.BtfGetFdById,
            BpfObjectKind.Link => BpfCommand.LinkGetFdById,
            _ => throw new BpfException($"{kind} objects cannot be opened by id: use Program, Map, Btf or Link."),
        };
        GetIdAttr attr = default;
        attr.StartId = id;
        int r = Sys(command, &attr);
        if (r < 0) throw BpfErrors.FromErrno(command, -r, $"{kind.ToString().ToLowerInvariant()} id {id}");
        return Wrap(r, kind, null);
    }

    /// <summary>BPF_MAP_GET_FD_BY_ID: opens the map with kernel id <paramref name="id"/>.</summary>
    /// <exception cref="BpfSyscallException">No such map (ENOENT) or no permission.</exception>
    public static BpfMapFd MapGetFdById(uint id) => (BpfMapFd)GetFdById(BpfObjectKind.Map, id);
    /// <summary>BPF_PROG_GET_FD_BY_ID: opens the program with kernel id <paramref name="id"/>.</summary>
    /// <exception cref="BpfSyscallException">No such program (ENOENT) or no permission.</exception>
    public static BpfProgramFd ProgGetFdById(uint id) => (BpfProgramFd)GetFdById(BpfObjectKind.Program, id);
    /// <summary>BPF_LINK_GET_FD_BY_ID: opens the link with kernel id <paramref name="id"/>.</summary>
    /// <exception cref="BpfSyscallException">No such link (ENOENT) or no permission.</exception>
    public static BpfLinkFd LinkGetFdById(uint id) => (BpfLinkFd)GetFdById(BpfObjectKind.Link, id);
    /// <summary>BPF_BTF_GET_FD_BY_ID: opens the BTF object with kernel id <paramref name="id"/>.</summary>
    /// <exception cref="BpfSyscallException">No such BTF object (ENOENT) or no permission.</exception>
    public static BpfBtfFd BtfGetFdById(uint id) => (BpfBtfFd)GetFdById(BpfObjectKind.Btf, id);

    /// <summary>BPF_ENABLE_STATS: run counts and times are collected while the returned descriptor is open.</summary>
    public static BpfFd EnableStats(BpfStatsType type = BpfStatsType.RunTime)
    {
        EnableStatsAttr attr = default;
        attr.Type = (uint)type;
        int r = Sys(BpfCommand.EnableStats, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.EnableStats, -r, $"stats type {type}");
        return new BpfFd(r, BpfObjectKind.Other, $"stats {type}");
    }

    /// <summary>Takes ownership of a raw descriptor and gives it its typed handle; maps and programs get their shape and
    /// name from the kernel. Closes the descriptor if that fails.</summary>
    private static BpfFd Wrap(int fd, BpfObjectKind kind, string? name)
    {
        try
        {
            switch (kind)
            {
                case BpfObjectKind.Map:
                    var m = MapInfoOf(fd, null);
                    return new BpfMapFd(fd, name ?? m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags);
                case BpfObjectKind.Program:
                    ProgInfoRaw p = default;
                    GetInfo(fd, &p, (uint)sizeof(ProgInfoRaw), null);
                    return new BpfProgramFd(fd, name ?? FromCString(new ReadOnlySpan<byte>(p.Name, 16)), (BpfProgramType)p.Type);
                case BpfObjectKind.Link: return new BpfLinkFd(fd, name);
                case BpfObjectKind.Btf: return new BpfBtfFd(fd, name);
                default: return new BpfFd(fd, kind, name);
            }
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
    }

    private static int ExpectKind(int fd, BpfObjectKind expected, string what)
    {
        var kind = KindOf(fd);
        if (kind == expected) return fd;
        LibC.Close(fd);
        throw new BpfException($"The object at {what} is a {Describe(kind)}, not a {Describe(expected)}.");
    }

    private static string Describe(BpfObjectKind kind) => kind switch
    {
        BpfObjectKind.Map => "map", BpfObjectKind.Program => "program", BpfObjectKind.Link => "link", BpfObjectKind.Btf => "BTF object",
        _ => "BPF object of unknown kind",
    };

    /// <summary>What a BPF fd is, from its anonymous inode's name ("anon_inode:bpf-map", "bpf-prog", "bpf_link", "btf").</summary>
    internal static BpfObjectKind KindOf(int fd)
    {
        string? target;
        try { target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget; }
        catch (IOException) { return BpfObjectKind.Unknown; }
        return target switch
        {
            "anon_inode:bpf-map" => BpfObjectKind.Map,
            "anon_inode:bpf-prog" => BpfObjectKind.Program,
            "anon_inode:bpf_link" or "anon_inode:bpf-link" => BpfObjectKind.Link,
            "anon_inode:btf" => BpfObjectKind.Btf,
            null => BpfObjectKind.Unknown,
            _ => BpfObjectKind.Other,
        };
    }
}
