using Ebpf.Native;

namespace Ebpf.Cli.Commands.Kernel;

/// <summary>Every program or map in the kernel, and maps opened the way users name them (an id or a bpffs path).</summary>
internal static class KernelObjects
{
    /// <summary>Info of every program, in id order. A program unloaded between listing and opening is skipped.</summary>
    public static List<BpfProgramInfo> Programs() => Each(BpfObjectKind.Program, id =>
    {
        using var fd = BpfSyscall.ProgGetFdById(id);
        return BpfSyscall.GetProgramInfo(fd);
    });

    /// <summary>Info of every map, in id order.</summary>
    public static List<BpfMapInfo> Maps() => Each(BpfObjectKind.Map, id =>
    {
        using var fd = BpfSyscall.MapGetFdById(id);
        return BpfSyscall.GetMapInfo(fd);
    });

    /// <summary>Info of every link, in id order.</summary>
    public static List<BpfLinkInfo> Links() => Each(BpfObjectKind.Link, id =>
    {
        using var fd = BpfSyscall.LinkGetFdById(id);
        return BpfSyscall.GetLinkInfo(fd);
    });

    /// <summary>A map by id ("42") or by pin path ("/sys/fs/bpf/x"); errors name what was given and what to try.</summary>
    public static BpfMapFd OpenMap(string idOrPath)
    {
        if (uint.TryParse(idOrPath, out uint id))
        {
            try { return BpfSyscall.MapGetFdById(id); }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT)
            {
                throw new BpfException($"no map with id {id}: `ebpf map list` shows the ids in use.");
            }
        }
        try { return BpfSyscall.ObjGetMap(idOrPath); }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT)
        {
            throw new BpfException($"no pinned map at '{idOrPath}': give a map id (a number) or a path under a bpffs mount such as /sys/fs/bpf.");
        }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL)
        {
            throw new BpfException($"'{idOrPath}' is not a pinned BPF object: give a map id (a number) or a path under a bpffs mount such as /sys/fs/bpf.");
        }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EACCES)
        {
            // The kernel answers EACCES for a path outside bpffs (a directory, or a file on another file system).
            throw new BpfException($"cannot open '{idOrPath}' as a pinned map (EACCES): give a map id (a number) or a map pinned under a bpffs mount such as /sys/fs/bpf.");
        }
    }

    private static List<T> Each<T>(BpfObjectKind kind, Func<uint, T> read)
    {
        var result = new List<T>();
        foreach (uint id in BpfSyscall.GetIds(kind))
        {
            try { result.Add(read(id)); }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT) { } // gone meanwhile: not an error for a listing
        }
        return result;
    }
}
