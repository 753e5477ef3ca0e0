using System.Diagnostics.Metrics;

namespace Ebpf.Hosting.Tests;

/// <summary>One collection of a meter's observable instruments through a <see cref="MeterListener"/>, as dotnet-counters does it.</summary>
internal static class MetricsCollector
{
    public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public object? this[string tag] => Tags.TryGetValue(tag, out var v) ? v : null;
    }

    public static List<Measured> Collect(string meterName)
    {
        var measured = new List<Measured>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName)
                l.EnableMeasurementEvents(instrument);
        };
        void Add(Instrument i, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measured.Add(new Measured(i.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }
}
