namespace Ebpf.Hosting;

/// <summary>
/// The objects a host loads, by name (a singleton service): <c>objects["traffic"].Loaded.Maps["traffic"]</c> once the
/// host has started. The order is the order of registration, which is also the order of loading.
/// </summary>
public sealed class BpfObjects : IReadOnlyCollection<HostedBpfObject>
{
    private readonly List<HostedBpfObject> _objects;

    public BpfObjects(EbpfRegistrations registrations) =>
        _objects = [.. registrations.Names.Select(n => new HostedBpfObject(n))];

    public HostedBpfObject this[string name] => _objects.Find(o => o.Name == name)
        ?? throw new BpfException($"no ebpf object '{name}' is registered; registered: {string.Join(", ", _objects.Select(o => o.Name))} (services.AddEbpf(\"{name}\", ...) registers one)");

    public int Count => _objects.Count;

    public IEnumerator<HostedBpfObject> GetEnumerator() => _objects.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
