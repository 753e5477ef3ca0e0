namespace Ebpf;

/// <summary>
/// A USDT attachment: a uprobe at every site of one probe, each carrying (as its BPF cookie) the slot of
/// __bpf_usdt_specs that describes its arguments. Dispose removes the probes, then frees the slots.
/// </summary>
public sealed class UsdtLink : BpfAttachment
{
    private readonly UprobeLink _probes;
    private readonly BpfMap _specs;
    private readonly uint _specsId;
    private readonly int[] _specIds;
    private bool _disposed;

    internal UsdtLink(UprobeLink probes, BpfMap specs, uint specsId, int[] specIds, string provider, string name)
    {
        _probes = probes;
        _specs = specs;
        _specsId = specsId;
        _specIds = specIds;
        Provider = provider;
        Name = name;
    }

    /// <inheritdoc/>
    public override BpfProgram Program => _probes.Program;

    /// <summary>The binary probed (an absolute path).</summary>
    public string BinaryPath => _probes.BinaryPath;
    /// <summary>The USDT provider, e.g. "libc".</summary>
    public string Provider { get; }
    /// <summary>The probe's name within its provider.</summary>
    public string Name { get; }

    /// <summary>The probe's sites as file offsets, one uprobe each.</summary>
    public IReadOnlyList<ulong> Sites => _probes.Offsets;

    /// <summary>The uprobes' BPF links.</summary>
    public IReadOnlyList<BpfLink> Links => _probes.Links;

    /// <summary>Detaches the program from every site of the probe.</summary>
    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _probes.Dispose();
        var empty = new byte[_specs.ValueSize];
        foreach (var id in _specIds)
        {
            try { _specs.Update(BitConverter.GetBytes(id), empty); }
            catch (BpfException) { } // the map may already be gone with its object; the slot is free either way
            UsdtSpecIds.Release(_specsId, id);
        }
        _specs.Dispose();
    }
}
