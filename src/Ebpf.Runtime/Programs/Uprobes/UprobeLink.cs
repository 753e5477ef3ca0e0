using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A uprobe attachment: BPF links (a perf_event link per probe, or one uprobe_multi link for many), or on kernels
/// without perf links (before 5.15) perf events given the program by ioctl. Dispose removes every probe.
/// </summary>
public sealed class UprobeLink : BpfAttachment
{
    private readonly List<BpfLink> _links;
    private readonly List<PerfEventFd> _events;
    private bool _disposed;

    internal UprobeLink(BpfProgram program, string binaryPath, IReadOnlyList<ulong> offsets, bool retprobe, int pid, List<BpfLink> links, List<PerfEventFd> events)
    {
        Program = program;
        BinaryPath = binaryPath;
        Offsets = offsets;
        IsReturnProbe = retprobe;
        Pid = pid;
        _links = links;
        _events = events;
    }

    /// <inheritdoc/>
    public override BpfProgram Program { get; }

    /// <summary>The binary probed, as the kernel was given it (an absolute path).</summary>
    public string BinaryPath { get; }

    /// <summary>The file offsets probed.</summary>
    public IReadOnlyList<ulong> Offsets { get; }

    /// <summary>Whether the probes fire on return (uretprobe) rather than on entry.</summary>
    public bool IsReturnProbe { get; }

    /// <summary>The process probed, or -1 for every process that runs the binary.</summary>
    public int Pid { get; }

    /// <summary>The BPF links (one, for a single probe or a uprobe_multi link); empty on the ioctl path.</summary>
    public IReadOnlyList<BpfLink> Links => _links;

    /// <summary>
    /// Pins the link on bpffs so the probe outlives this process. Only one link can be pinned: attach many
    /// symbols with a program loaded for uprobe.multi to get one.
    /// </summary>
    public void Pin(string path)
    {
        if (_links.Count != 1)
            throw new BpfException(_links.Count == 0
                ? $"program '{Program.Name}' on {BinaryPath}: this kernel attached the uprobe without a BPF link (PERF_EVENT_IOC_SET_BPF, before Linux 5.15), which cannot be pinned"
                : $"program '{Program.Name}' on {BinaryPath} holds {_links.Count} links, one per probe; pin needs one: load the program from a \"uprobe.multi\" section so AttachMany makes a single uprobe_multi link");
        _links[0].Pin(path);
    }

    /// <summary>Detaches the program from every probe.</summary>
    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var l in _links) l.Dispose();
        foreach (var e in _events) e.Dispose();
    }
}
