using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ebpf.Metrics;
using Ebpf.Tests;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Ebpf.Hosting.Tests;

/// <summary>The map instruments as a Prometheus scraper reads them: OpenTelemetry's exporter on loopback, no glue code.</summary>
public class PrometheusTests
{
    [KernelFact]
    public async Task A_scrape_of_the_exporter_shows_each_key_of_the_map_as_a_labelled_counter()
    {
        var meterName = $"Ebpf.Tests.{Guid.NewGuid():n}";
        using var meter = new Meter(meterName);
        using var packets = BpfArray<ulong>.Create(2);
        packets.Update(0, 11);
        packets.Update(1, 42);
        meter.ObserveMap(packets).Tag("direction", i => i == 0 ? "ingress" : "egress").Counter("ebpf.test.packets", v => (long)v, unit: "{packet}");

        var port = FreeLoopbackPort();
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddPrometheusHttpListener(o => { o.Host = "127.0.0.1"; o.Port = port; })
            .Build();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var scrape = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

        string Sample(string direction) =>
            Regex.Match(scrape, $$"""^ebpf_test_packets_total\{[^}]*direction="{{direction}}"[^}]*\} (\d+)""", RegexOptions.Multiline) is { Success: true } m
                ? m.Groups[1].Value : $"no sample for {direction} in:\n{scrape}";
        Assert.Equal("11", Sample("ingress"));
        Assert.Equal("42", Sample("egress"));
        Assert.Contains("# TYPE ebpf_test_packets_total counter", scrape);
    }

    // The listener binds an address itself: find a free port by binding port 0 and letting it go.
    internal static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
