using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Ebpf.Metrics;
using Ebpf.Tests;

namespace Ebpf.Hosting.Tests;

/// <summary>Map values as observable instruments, read through a MeterListener (what dotnet-counters and OpenTelemetry use).</summary>
public class MapMetricsTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct FlowKey
    {
        public uint Address;
        public ushort Port;
        public ushort Pad;
    }

    [KernelFact]
    public void Array_values_are_counters_per_key_tagged_as_asked_and_read_live()
    {
        using var meter = new Meter($"Ebpf.Tests.{Guid.NewGuid():n}");
        using var packets = BpfArray<ulong>.Create(2);
        packets.Update(0, 5);
        packets.Update(1, 7);
        meter.ObserveMap(packets)
            .Tag("direction", i => i == 0 ? "ingress" : "egress")
            .Counter("test.packets", v => (long)v, unit: "{packet}");

        var first = MetricsCollector.Collect(meter.Name);
        Assert.Equal([("ingress", 5.0), ("egress", 7.0)], first.Select(m => ((string)m["direction"]!, m.Value)));
        Assert.All(first, m => Assert.Equal("test.packets", m.Instrument));
        Assert.All(first, m => Assert.Single(m.Tags)); // the tag asked for replaces the default "key"

        packets.Update(1, 9); // each collection reads the map
        Assert.Equal(9.0, MetricsCollector.Collect(meter.Name).Single(m => (string)m["direction"]! == "egress").Value);
    }

    [KernelFact]
    public void Hash_map_entries_are_gauges_keyed_by_their_bytes_with_an_entry_count()
    {
        using var meter = new Meter($"Ebpf.Tests.{Guid.NewGuid():n}");
        using var flows = BpfHashMap<FlowKey, ulong>.Create(8);
        flows.Update(new FlowKey { Address = 0x020000c0, Port = 80 }, 1500); // 192.0.2.2 as the kernel holds it
        flows.Update(new FlowKey { Address = 0x030000c0, Port = 443 }, 60);
        meter.ObserveMap(flows).Gauge("test.flow.bytes", v => (long)v, unit: "By").EntryCount("test.flows");

        var measured = MetricsCollector.Collect(meter.Name);
        var bytes = measured.Where(m => m.Instrument == "test.flow.bytes").ToDictionary(m => (string)m["key"]!, m => m.Value);
        // A struct key without its own ToString is its bytes in hex: address (little-endian uint), port, padding.
        Assert.Equal(new Dictionary<string, double> { ["c000000250000000"] = 1500, ["c0000003bb010000"] = 60 }, bytes);
        Assert.Equal(2.0, measured.Single(m => m.Instrument == "test.flows").Value);

        flows.Remove(new FlowKey { Address = 0x030000c0, Port = 443 });
        measured = MetricsCollector.Collect(meter.Name);
        Assert.Single(measured, m => m.Instrument == "test.flow.bytes");
        Assert.Equal(1.0, measured.Single(m => m.Instrument == "test.flows").Value);
    }

    [KernelFact]
    public void Per_cpu_values_are_summed_by_the_selector_and_numeric_keys_stay_numbers()
    {
        using var meter = new Meter($"Ebpf.Tests.{Guid.NewGuid():n}");
        using var perCpu = BpfPerCpuArray<ulong>.Create(1);
        perCpu.Update(0, PerCpu<ulong>.Fill(3));
        meter.ObserveMap(perCpu).UpDownCounter("test.queued", v => (long)v.Sum());

        var measured = Assert.Single(MetricsCollector.Collect(meter.Name));
        Assert.Equal(3.0 * PerCpu<ulong>.Fill(0).Count, measured.Value);
        Assert.Equal(0u, measured["key"]); // an array index is a number, not text
    }

    [KernelFact]
    public void A_closed_map_has_no_measurements_instead_of_failing_the_collection()
    {
        using var meter = new Meter($"Ebpf.Tests.{Guid.NewGuid():n}");
        var packets = BpfArray<ulong>.Create(2);
        meter.ObserveMap(packets).Counter("test.packets", v => (long)v).EntryCount("test.entries");
        Assert.Equal(3, MetricsCollector.Collect(meter.Name).Count);

        packets.Dispose(); // a view made by Create owns its map: the object a host loaded is closed the same way when it stops
        Assert.Equal([("test.entries", 0.0)], MetricsCollector.Collect(meter.Name).Select(m => (m.Instrument, m.Value)));
    }

    [KernelFact]
    public void Tags_come_before_instruments()
    {
        using var meter = new Meter($"Ebpf.Tests.{Guid.NewGuid():n}");
        using var packets = BpfArray<ulong>.Create(2);
        var instruments = meter.ObserveMap(packets).Counter("test.packets", v => (long)v);
        var e = Assert.Throws<BpfException>(() => instruments.Tag("direction", i => i));
        Assert.Contains("before the first instrument", e.Message);
    }
}
