using System.Diagnostics.Metrics;

namespace Ebpf.Metrics;

/// <summary>
/// <c>meter.ObserveMap(map)</c>: the start of observable instruments over a typed map view, for example
/// <c>meter.ObserveMap(traffic).Tag("direction", i =&gt; i == 0 ? "ingress" : "egress").Counter("traffic.packets", c =&gt; (long)c.Packets)</c>.
/// </summary>
public static class MapMeterExtensions
{
    /// <summary>An array: one measurement per index (the key).</summary>
    public static MapInstruments<uint, TValue> ObserveMap<TValue>(this Meter meter, BpfArray<TValue> map) where TValue : unmanaged =>
        meter.ObserveMap(map.Map, () => map.Select(static (value, index) => new KeyValuePair<uint, TValue>((uint)index, value)));

    /// <summary>A per-CPU array: one measurement per index of the per-CPU values (sum them with <c>v =&gt; v.Sum()</c>).</summary>
    public static MapInstruments<uint, PerCpu<TValue>> ObserveMap<TValue>(this Meter meter, BpfPerCpuArray<TValue> map) where TValue : unmanaged =>
        meter.ObserveMap(map.Map, () => map.Select(static (value, index) => new KeyValuePair<uint, PerCpu<TValue>>((uint)index, value)));

    /// <summary>A hash map (or LRU hash): one measurement per key present at collection time.</summary>
    public static MapInstruments<TKey, TValue> ObserveMap<TKey, TValue>(this Meter meter, BpfKeyValueMap<TKey, TValue> map)
        where TKey : unmanaged where TValue : unmanaged =>
        meter.ObserveMap(map.Map, () => map);

    /// <summary>A per-CPU hash map: one measurement per key of the per-CPU values.</summary>
    public static MapInstruments<TKey, PerCpu<TValue>> ObserveMap<TKey, TValue>(this Meter meter, BpfPerCpuHashMap<TKey, TValue> map)
        where TKey : unmanaged where TValue : unmanaged =>
        meter.ObserveMap(map.Map, () => map);

    /// <summary>Any map read as key/value pairs by <paramref name="entries"/>, called once per instrument and collection.</summary>
    public static MapInstruments<TKey, TValue> ObserveMap<TKey, TValue>(this Meter meter, BpfMap map, Func<IEnumerable<KeyValuePair<TKey, TValue>>> entries)
        where TKey : unmanaged
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(entries);
        return new MapInstruments<TKey, TValue>(meter, map, entries);
    }
}
