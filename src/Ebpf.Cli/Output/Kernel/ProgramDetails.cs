using System.Text.Json.Nodes;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Native;

namespace Ebpf.Cli.Output.Kernel;

/// <summary>
/// <c>ebpf prog show ID</c>: the program's <c>prog list</c> row, its maps as <c>map list</c> shows them, and every BPF
/// link whose program it is (found by walking the kernel's link ids, as <c>link list</c> does).
/// </summary>
internal sealed record ProgramDetails(ProgramRow Program, IReadOnlyList<MapRow> Maps, IReadOnlyList<LinkRow> Links)
{
    public static ProgramDetails Read(uint id)
    {
        BpfProgramInfo info;
        try
        {
            using var fd = BpfSyscall.ProgGetFdById(id);
            info = BpfSyscall.GetProgramInfo(fd);
        }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT)
        {
            throw new BpfException($"no program with id {id}: `ebpf prog list` shows the ids in use.");
        }
        var maps = new List<MapRow>();
        foreach (uint mapId in info.MapIds)
        {
            try
            {
                using var fd = BpfSyscall.MapGetFdById(mapId);
                maps.Add(MapRow.From(BpfSyscall.GetMapInfo(fd)));
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT) { } // freed meanwhile
        }
        var links = KernelObjects.Links().Where(l => l.ProgramId == id).Select(LinkRow.From).ToList();
        return new ProgramDetails(ProgramRow.From(info), maps, links);
    }

    public static void Write(TextWriter w, ProgramDetails details, bool json)
    {
        if (json)
        {
            // bpftool's keys for the program at the top level, then the maps and links as `map list`/`link list` print them.
            var node = Json.ToNode(details.Program).AsObject();
            node["maps"] = Json.ToNode(details.Maps);
            node["links"] = Json.ToNode(details.Links);
            w.WriteLine(node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return;
        }
        ProgramRow.WriteTable(w, [details.Program]);
        w.WriteLine();
        w.WriteLine("maps:");
        if (details.Maps.Count == 0) w.WriteLine("(none)"); else MapRow.WriteTable(w, details.Maps);
        w.WriteLine();
        w.WriteLine("links:");
        if (details.Links.Count == 0)
            w.WriteLine("(none: not attached through a BPF link; attachments made with BPF_PROG_ATTACH show in `ebpf cgroup show`)");
        else
            LinkRow.WriteTable(w, details.Links);
    }
}
