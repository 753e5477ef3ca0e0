using System.Diagnostics.Metrics;

namespace Ebpf.Metrics;

/// <summary>
/// Observable instruments over one map's entries (made by <c>meter.ObserveMap(map)</c>): each collection reads the map
/// and reports one measurement per entry, tagged with its key, so dotnet-counters, a <see cref="MeterListener"/> or
/// OpenTelemetry read the kernel's counters as any .NET metric. Each instrument reads the map once per collection.
/// </summary>
public sealed class MapInstruments<TKey, TValue> where TKey : unmanaged
{
    private readonly Meter _meter;
    private readonly BpfMap _map;
    private readonly Func<IEnumerable<KeyValuePair<TKey, TValue>>> _entries;
    private readonly List<(string Name, Func<TKey, object?> Value)> _tags = [];
    private readonly List<Instrument> _instruments = [];

    internal MapInstruments(Meter meter, BpfMap map, Func<IEnumerable<KeyValuePair<TKey, TValue>>> entries)
    {
        _meter = meter;
        _map = map;
        _entries = entries;
    }

    /// <summary>The instruments made so far, in order.</summary>
    public IReadOnlyList<Instrument> Instruments => _instruments;

    /// <summary>
    /// Adds a tag computed from each entry's key (for example "direction" from an array index, "address" from an IPv4 key).
    /// Without any, measurements carry one tag "key": the key's number, its own ToString(), or its bytes in hex.
    /// </summary>
    public MapInstruments<TKey, TValue> Tag(string name, Func<TKey, object?> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_instruments.Count > 0)
            throw new BpfException($"the tags of map '{_map.Name}' instruments are set before the first instrument; call Tag(\"{name}\", ...) before Counter/Gauge");
        _tags.Add((name, value));
        return this;
    }

    /// <summary>An ObservableCounter: each entry's value as a running total that only grows (packets, bytes, events).</summary>
    public MapInstruments<TKey, TValue> Counter<T>(string name, Func<TValue, T> value, string? unit = null, string? description = null) where T : struct =>
        Add(_meter.CreateObservableCounter(name, Observe(value), unit, description ?? Describe("running total")));

    /// <summary>An ObservableUpDownCounter: each entry's value as a total that may also fall (open connections, queued items).</summary>
    public MapInstruments<TKey, TValue> UpDownCounter<T>(string name, Func<TValue, T> value, string? unit = null, string? description = null) where T : struct =>
        Add(_meter.CreateObservableUpDownCounter(name, Observe(value), unit, description ?? Describe("total")));

    /// <summary>An ObservableGauge: each entry's value as a reading at collection time (a last-seen size, a latency).</summary>
    public MapInstruments<TKey, TValue> Gauge<T>(string name, Func<TValue, T> value, string? unit = null, string? description = null) where T : struct =>
        Add(_meter.CreateObservableGauge(name, Observe(value), unit, description ?? Describe("value")));

    /// <summary>An ObservableGauge of how many entries the map holds (one measurement, no key tag): a hash map's fill level.</summary>
    public MapInstruments<TKey, TValue> EntryCount(string name, string? unit = "{entry}", string? description = null) =>
        Add(_meter.CreateObservableGauge(name, () => IsOpen ? Read().Count : 0, unit, description ?? $"entries in BPF map '{_map.Name}'"));

    private MapInstruments<TKey, TValue> Add(Instrument instrument)
    {
        _instruments.Add(instrument);
        return this;
    }

    private string Describe(string what) => $"{what} per key of BPF map '{_map.Name}'";

    private Func<IEnumerable<Measurement<T>>> Observe<T>(Func<TValue, T> value) where T : struct
    {
        ArgumentNullException.ThrowIfNull(value);
        var tags = _tags.Count > 0 ? _tags.ToArray() : [("key", KeyTag<TKey>.Default)];
        return () =>
        {
            var entries = Read();
            var measurements = new Measurement<T>[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                var key = entries[i].Key;
                var tagList = new KeyValuePair<string, object?>[tags.Length];
                for (var t = 0; t < tags.Length; t++)
                    tagList[t] = new(tags[t].Name, tags[t].Value(key));
                measurements[i] = new Measurement<T>(value(entries[i].Value), tagList);
            }
            return measurements;
        };
    }

    private bool IsOpen => !_map.Fd.IsClosed;

    // A meter may outlive the object that loaded the map (a host disposes the object when it stops, the meter when the
    // container goes): a closed map has no measurements rather than failing every collection.
    private List<KeyValuePair<TKey, TValue>> Read()
    {
        if (!IsOpen)
            return [];
        try
        {
            return [.. _entries()];
        }
        catch (ObjectDisposedException)
        {
            return [];
        }
    }
}
