using System.Diagnostics;
using System.Text.RegularExpressions;
using Ebpf.Tests;
using TrafficMonitor;

namespace Ebpf.Hosting.Tests;

/// <summary>The hosted traffic monitor sample as an agent runs it: an existing cgroup, metrics for a Prometheus scraper.</summary>
public class TrafficMonitorServiceTests
{
    [KernelFact]
    public async Task The_monitor_serves_the_cgroups_traffic_as_prometheus_counters_and_leaves_the_cgroup_clean()
    {
        using var lab = new TrafficLab();
        var port = PrometheusTests.FreeLoopbackPort();
        var dll = typeof(TrafficProgram).Assembly.Location; // the sample's build output, copied beside the tests
        using var monitor = Process.Start(new ProcessStartInfo("dotnet", [dll, "--cgroup", lab.Cgroup.Path, "--seconds", "30", "--metrics-port", port.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        })!;
        var errors = monitor.StandardError.ReadToEndAsync();
        try
        {
            var first = await monitor.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"watching cgroup {lab.Cgroup.Path} (ingress and egress attached as BPF links)", first);

            lab.StartServer(Peers.UdpEchoServer("127.0.0.1", 9620));
            Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.1", 9620, 10)).Trim());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var scrape = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            string Sample(string name, string direction) =>
                Regex.Match(scrape, $$"""^{{name}}\{[^}]*direction="{{direction}}"[^}]*\} (\d+)""", RegexOptions.Multiline) is { Success: true } m
                    ? m.Groups[1].Value : $"no {name} for {direction} in:\n{scrape}";
            Assert.Equal("10", Sample("traffic_packets_total", "egress"));
            Assert.Equal("10", Sample("traffic_packets_total", "ingress"));
            Assert.Equal($"{10 * (20 + 8 + 32)}", Sample("traffic_bytes_total", "egress"));
        }
        finally
        {
            // SIGTERM, as a container runtime stops an agent: the host stops and detaches.
            Process.Start("kill", ["-TERM", monitor.Id.ToString()])!.WaitForExit();
            Assert.True(monitor.WaitForExit(30_000), "the monitor did not stop on SIGTERM");
        }
        var output = await monitor.StandardOutput.ReadToEndAsync();
        Assert.True(monitor.ExitCode == 0, output + await errors);
        Assert.Contains("detached; cgroup left as it was", output);
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));
    }
}
