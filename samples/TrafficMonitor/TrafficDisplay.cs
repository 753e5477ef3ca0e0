using System.Diagnostics;
using Ebpf;
using Ebpf.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace TrafficMonitor;

/// <summary>What the monitor watches, from its command line.</summary>
public sealed record MonitorSettings(Cgroup Cgroup, int Seconds, bool Demo);

/// <summary>
/// Prints the counts each second (the host has loaded and attached the program before this starts), says when the health
/// check finds a program detached, and stops the host after the given seconds. In the demo it also runs the traffic.
/// </summary>
public sealed class TrafficDisplay(MonitorSettings settings, BpfObjects objects, HealthCheckService health, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var traffic = objects["traffic"].Loaded.Maps["traffic"].AsArray<Counters>(); // the kernel side's own value struct
        Console.WriteLine($"watching cgroup {settings.Cgroup.Path} (ingress and egress attached as BPF links)");
        using var child = settings.Demo ? StartTrafficInside(settings.Cgroup, settings.Seconds) : null;
        Console.WriteLine($"{"time",5}  {"ingress pkts",12} {"bytes",10}  {"egress pkts",12} {"bytes",10}");
        string? lastProblem = null;
        for (var t = 1; t <= settings.Seconds && !stoppingToken.IsCancellationRequested; t++)
        {
            try { await Task.Delay(1000, stoppingToken); } catch (OperationCanceledException) { }
            var (ingress, egress) = (traffic[TrafficProgram.IngressSlot], traffic[TrafficProgram.EgressSlot]);
            Console.WriteLine($"{t,4}s  {ingress.Packets,12} {ingress.Bytes,10}  {egress.Packets,12} {egress.Bytes,10}");
            var report = await health.CheckHealthAsync(CancellationToken.None);
            var problem = report.Status == HealthStatus.Healthy ? null : string.Join("; ", report.Entries.Values.Select(e => e.Description));
            if (problem != lastProblem)
                Console.Error.WriteLine(problem is null ? "healthy again" : $"unhealthy: {problem}");
            lastProblem = problem;
        }
        if (child is { HasExited: false })
        {
            child.Kill();
            await child.WaitForExitAsync(CancellationToken.None); // an exiting process would keep the cgroup from being removed
        }
        lifetime.StopApplication();
    }

    // A child that joins the cgroup first, then exchanges UDP datagrams with itself on loopback for a while:
    // every datagram is seen once leaving (egress) and once arriving (ingress).
    private static Process StartTrafficInside(Cgroup cgroup, int seconds)
    {
        const string script = """
            import socket, sys, time
            a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0))
            b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(('127.0.0.1', 0))
            print('ready', flush=True)
            end = time.time() + float(sys.argv[1])
            while time.time() < end:
                for i in range(20):
                    a.sendto(b'x' * 100, b.getsockname()); b.recvfrom(2048)
                time.sleep(0.05)
            """;
        var psi = new ProcessStartInfo("sh", ["-c", $"echo $$ > {cgroup.Path}/cgroup.procs && exec python3 -c \"$0\" \"$1\"", script, seconds.ToString()])
        {
            RedirectStandardOutput = true,
        };
        var child = Process.Start(psi)!;
        // The clock starts when traffic does: python may take a while to start on a busy machine.
        if (!child.StandardOutput.ReadLineAsync().Wait(TimeSpan.FromSeconds(30)))
            Console.Error.WriteLine("the traffic child did not start within 30 s; counting anyway");
        return child;
    }
}
