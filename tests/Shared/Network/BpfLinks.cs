using System.Diagnostics;
using Ebpf.Native;

namespace Ebpf.Tests;

/// <summary>The kernel's own list of BPF links, and this process's descriptors, to check that Dispose left nothing behind.</summary>
public static class BpfLinks
{
    /// <summary>The ids of every BPF link the kernel holds now (BPF_LINK_GET_NEXT_ID).</summary>
    public static List<uint> Ids() => BpfSyscall.GetIds(BpfObjectKind.Link);

    /// <summary>What the kernel says of every BPF link it holds now (links that go away meanwhile are skipped).</summary>
    public static List<BpfLinkInfo> All()
    {
        var infos = new List<BpfLinkInfo>();
        foreach (var id in Ids())
        {
            try
            {
                using var fd = BpfSyscall.LinkGetFdById(id);
                infos.Add(BpfSyscall.GetLinkInfo(fd));
            }
            catch (BpfSyscallException) { }
        }
        return infos;
    }

    /// <summary>
    /// Waits up to 5 s for link <paramref name="id"/> to go: removing the last pin releases a link from a kernel work
    /// item, after unlink returns (closing the last descriptor releases it at once).
    /// </summary>
    public static bool Gone(uint id)
    {
        for (var wait = Stopwatch.StartNew(); wait.ElapsedMilliseconds < 5000; Thread.Sleep(10))
            if (!Ids().Contains(id)) return true;
        return false;
    }

    /// <summary>Every BPF link of <paramref name="program"/> the kernel holds now.</summary>
    public static List<BpfLinkInfo> Of(BpfProgram program)
    {
        var id = program.Info.Id;
        return All().Where(l => l.ProgramId == id).ToList();
    }

    /// <summary>Whether the kernel still has a link with this id (BPF_LINK_GET_FD_BY_ID).</summary>
    public static bool Exists(uint id)
    {
        try
        {
            using var fd = BpfSyscall.LinkGetFdById(id);
            return true;
        }
        catch (BpfSyscallException e) when (e.ErrnoName == "ENOENT")
        {
            return false;
        }
    }

    public static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;
}
