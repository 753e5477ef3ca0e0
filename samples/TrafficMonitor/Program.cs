using Ebpf;
using Ebpf.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using TrafficMonitor;

// Traffic monitor: counts the packets and bytes that the processes of one cgroup send and receive, as a hosted service.
// No arguments: makes its own cgroup, drives a little loopback traffic from a child process inside it, shows the counts each
// second for 5 s, and cleans up. --cgroup PATH: watches that cgroup until Ctrl+C (or --seconds N). --metrics-port PORT:
// serves the counters for Prometheus at http://127.0.0.1:PORT/metrics (--metrics-host ADDRESS to listen elsewhere, * on all).
var cgroupPath = ArgValue("--cgroup");
var seconds = int.TryParse(ArgValue("--seconds"), out var s) ? s : cgroupPath is null ? 5 : int.MaxValue;
var metricsPort = int.TryParse(ArgValue("--metrics-port"), out var p) ? p : (int?)null;
var metricsHost = ArgValue("--metrics-host") ?? "127.0.0.1";

try
{
    using var cgroup = cgroupPath is null ? Cgroup.Create($"ebpf-traffic-monitor-{Environment.ProcessId}") : Cgroup.Open(cgroupPath);
    var builder = Host.CreateApplicationBuilder(); // our flags are not configuration; environment variables and appsettings.json are
    builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // the table alone on stdout

    // The object dotnet build compiled from TrafficProgram.cs and embedded; loaded, attached and detached by the host.
    builder.Services.AddEbpf<TrafficProgram>("traffic", o =>
        {
            o.Attach.Add(new BpfAttachOptions { Program = nameof(TrafficProgram.Ingress), Kind = BpfAttachKind.Cgroup, Target = cgroup.Path });
            o.Attach.Add(new BpfAttachOptions { Program = nameof(TrafficProgram.Egress), Kind = BpfAttachKind.Cgroup, Target = cgroup.Path });
        })
        .AddMetrics(TrafficMetrics.Observe);
    builder.Services.AddHealthChecks().AddEbpf();
    builder.Services.AddSingleton(new MonitorSettings(cgroup, seconds, Demo: cgroupPath is null));
    builder.Services.AddHostedService<TrafficDisplay>();
    if (metricsPort is { } port)
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("Ebpf.traffic").AddPrometheusHttpListener(o =>
        {
            o.Port = port;
            o.Host = metricsHost is "*" or "+" ? "localhost" : metricsHost;
            if (metricsHost is "*" or "+") // every address, as in a pod: HttpListener's wildcard prefix, which the exporter's Host cannot hold
                o.ConfigureHttpListener = (_, listener) => { listener.Prefixes.Clear(); listener.Prefixes.Add($"http://+:{port}/"); };
        }));

    using (var host = builder.Build())
        await host.RunAsync(); // Ctrl+C or SIGTERM stops it as well
    Console.WriteLine("detached; " + (cgroupPath is null ? "cgroup removed" : "cgroup left as it was"));
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (InvalidOperationException e) when (e.InnerException is System.Net.HttpListenerException or UriFormatException)
{
    Console.Error.WriteLine($"error: cannot serve metrics at {metricsHost}:{metricsPort}: {e.InnerException.Message}");
    return 1;
}

string? ArgValue(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
