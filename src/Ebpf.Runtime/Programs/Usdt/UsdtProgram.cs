using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Elf;
using Ebpf.Object.UsdtNotes;

namespace Ebpf;

/// <summary>
/// A USDT program (section usdt, usdt.s) written against libbpf's bpf/usdt.bpf.h: attached as a uprobe at each
/// site of a sys/sdt.h probe, with the sites' argument locations in the program's __bpf_usdt_specs map, where
/// bpf_usdt_arg finds them through the BPF cookie.
/// </summary>
public sealed class UsdtProgram
{
    internal UsdtProgram(BpfProgram program) => Program = program;

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>
    /// Attaches to every site of <paramref name="provider"/>:<paramref name="name"/> in <paramref name="binary"/>
    /// (a path or a library name), in process <paramref name="pid"/> or every process (-1). Semaphores are
    /// counted up by the kernel while attached. <paramref name="cookie"/> is what bpf_usdt_cookie returns.
    /// </summary>
    public UsdtLink Attach(string binary, string provider, string name, int pid = -1, ulong cookie = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = BinaryLocator.Resolve(binary);
        var where = $"program '{Program.Name}' at USDT {provider}:{name} in {path}";
        IReadOnlyList<UsdtProbe> all;
        try { all = UsdtProbe.ReadAll(ElfBinary.Read(path)); }
        catch (InvalidObjectException e) { throw new BpfException($"{where}: {e.Message}", e); }
        var sites = all.Where(p => p.Provider == provider && p.Name == name).ToList();
        if (sites.Count == 0)
            throw new BpfException(all.Count == 0
                ? $"{where}: the binary has no USDT probes (no .note.stapsdt section); build it with <sys/sdt.h> probes, or check the path"
                : $"{where}: no such probe; the binary has {string.Join(", ", all.Select(p => $"{p.Provider}:{p.Name}").Distinct().Order(StringComparer.Ordinal))}");

        var specs = FindSpecsMap(where);
        var specsId = specs.Info.Id;
        var specIds = new List<int>();
        try
        {
            // Sites with the same argument locations share a slot, as libbpf does.
            var slotByArgs = new Dictionary<string, int>(StringComparer.Ordinal);
            var cookies = new ulong[sites.Count];
            for (var i = 0; i < sites.Count; i++)
            {
                if (!slotByArgs.TryGetValue(sites[i].ArgumentText, out var slot))
                {
                    slot = UsdtSpecIds.Allocate(specsId, specs.MaxEntries, where);
                    specIds.Add(slot);
                    slotByArgs[sites[i].ArgumentText] = slot;
                    specs.Update(BitConverter.GetBytes(slot), UsdtSpec.Encode(sites[i].Arguments, cookie, where));
                }
                cookies[i] = (ulong)slot;
            }
            var probes = new UprobeProgram(Program, declaredReturn: false).AttachAt(path, sites.Select(s => s.FileOffset).ToArray(), cookies,
                sites.Select(s => s.SemaphoreOffset).ToArray(), pid, retprobe: false, $"USDT {provider}:{name} ({sites.Count} site{(sites.Count == 1 ? "" : "s")})");
            if (probes.Links.Count == 0)
            {
                probes.Dispose();
                throw new BpfException($"{where}: this kernel has no BPF cookies for uprobes (Linux 5.15+), which bpf_usdt_arg needs to find a site's arguments");
            }
            return new UsdtLink(probes, specs, specsId, specIds.ToArray(), provider, name);
        }
        catch
        {
            foreach (var id in specIds) UsdtSpecIds.Release(specsId, id);
            specs.Dispose();
            throw;
        }
    }

    /// <summary>usdt.bpf.h's __bpf_usdt_specs among the program's maps (the kernel keeps 15 characters of a name).</summary>
    private BpfMap FindSpecsMap(string where)
    {
        foreach (var id in Program.Info.MapIds)
        {
            var fd = BpfSyscall.MapGetFdById(id);
            var info = BpfSyscall.GetMapInfo(fd);
            if (info.Name == "__bpf_usdt_spec" && info.Type == BpfMapType.Array)
            {
                if (info.ValueSize < UsdtSpec.Size)
                    throw new BpfException($"{where}: __bpf_usdt_specs has {info.ValueSize}-byte values, not the {UsdtSpec.Size} of struct __bpf_usdt_spec in this library's usdt.bpf.h layout");
                return BpfMap.FromFd(fd, "__bpf_usdt_specs");
            }
            fd.Dispose();
        }
        throw new BpfException($"{where}: the program uses no __bpf_usdt_specs map; write it with #include <bpf/usdt.bpf.h> and read arguments with bpf_usdt_arg");
    }
}
