using System.Diagnostics.Metrics;

namespace Ebpf.Hosting;

/// <summary>
/// What <c>AddEbpf</c> registered that options cannot hold: the object names in order, and per object the code that
/// makes its map instruments and handles its events. One instance per service collection.
/// </summary>
public sealed class EbpfRegistrations
{
    private readonly List<string> _names = [];

    internal List<(string Object, Action<BpfObject, Meter> Configure)> Metrics { get; } = [];

    internal List<EventRegistration> Events { get; } = [];

    public IReadOnlyList<string> Names => _names;

    internal void Add(string name)
    {
        if (_names.Contains(name))
            throw new BpfException($"ebpf object '{name}' is registered twice; give each AddEbpf its own name");
        _names.Add(name);
    }
}

/// <summary>A reader loop over one event map of an object: runs from start to stop of the host.</summary>
internal sealed record EventRegistration(string Object, string Map, Func<IServiceProvider, BpfEventReader, CancellationToken, Task> Run);
