using System.Threading.Channels;
using Ebpf.Metrics;
using Ebpf.Native;
using Ebpf.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ebpf.Hosting.Tests;

/// <summary>
/// AddEbpf in a generic host: configuration says what attaches where; starting the host loads and attaches, the programs'
/// logs and events reach the host's loggers and handlers, the health check sees a detached link, and stopping detaches.
/// </summary>
public class HostingTests
{
    private const int Datagrams = 10;
    private const uint DatagramLength = 20 + 8 + 32; // skb->len from the IP header: IPv4, UDP, the client's 32 bytes

    private static HostApplicationBuilder Builder(CapturedLogs logs, Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddProvider(logs);
        builder.Services.AddHealthChecks().AddEbpf();
        return builder;
    }

    private static Dictionary<string, string?> Attach(string obj, int index, string program, string target, string? direction = null) => new()
    {
        [$"Ebpf:{obj}:Attach:{index}:Program"] = program,
        [$"Ebpf:{obj}:Attach:{index}:Kind"] = "Cgroup",
        [$"Ebpf:{obj}:Attach:{index}:Target"] = target,
        [$"Ebpf:{obj}:Attach:{index}:Direction"] = direction,
    };

    private static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);

    private static Task<HealthReport> Health(IHost host) => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [KernelFact]
    public async Task Configuration_attaches_the_programs_whose_logs_events_and_metrics_reach_the_host_until_it_stops()
    {
        using var lab = new TrafficLab();
        var logs = new CapturedLogs();
        var events = Channel.CreateUnbounded<PacketEvent>();
        var builder = Builder(logs, Merge(
            new() { ["Ebpf:counter:Type"] = typeof(HostedCounter).AssemblyQualifiedName },
            Attach("counter", 0, nameof(HostedCounter.Egress), lab.Cgroup.Path),
            Attach("counter", 1, nameof(HostedCounter.Ingress), lab.Cgroup.Path),
            Attach("counter", 2, nameof(HostedCounter.Either), lab.Cgroup.Path, "Egress"))); // declared without a direction
        var counter = Assert.Single(builder.Services.AddEbpf(builder.Configuration.GetSection("Ebpf")));
        counter
            .OnEvent<PacketEvent>("events", (e, _) => events.Writer.WriteAsync(e))
            .AddMetrics((bpf, meter) => meter.ObserveMap(bpf.Maps["packets"].AsArray<ulong>())
                .Tag("direction", i => i == HostedCounter.IngressSlot ? "ingress" : "egress")
                .Counter("hosted.packets", v => (long)v));

        using var host = builder.Build();
        await host.StartAsync();
        var hosted = host.Services.GetRequiredService<BpfObjects>()["counter"];
        var health = await Health(host);
        Assert.True(health.Status == HealthStatus.Healthy, health.Entries["ebpf"].Description);
        Assert.Equal(2, lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress).Count);
        Assert.Single(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));

        lab.StartServer(Peers.UdpEchoServer("127.0.0.1", 9610));
        Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.1", 9610, Datagrams)).Trim());

        // Events: every datagram sent, to the handler, in order.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < Datagrams; i++)
            Assert.Equal(new PacketEvent { Length = DatagramLength, Direction = HostedCounter.EgressSlot }, await events.Reader.ReadAsync(wait.Token));
        // Metrics: the meter named after the object, one counter per direction.
        var measured = MetricsCollector.Collect("Ebpf.counter").Where(m => m.Instrument == "hosted.packets").ToDictionary(m => (string)m["direction"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { ["ingress"] = Datagrams, ["egress"] = Datagrams }, measured);
        // Logs: each line the program logged, under the program's category.
        while (logs.Lines.Count(l => l.Category == "Ebpf.Programs.Egress") < Datagrams && !wait.IsCancellationRequested)
            await Task.Delay(20);
        Assert.All(logs.Lines.Where(l => l.Category == "Ebpf.Programs.Egress"), l => Assert.Equal((LogLevel.Information, $"sent {DatagramLength} bytes"), (l.Level, l.Message)));
        Assert.Equal(Datagrams, logs.Lines.Count(l => l.Category == "Ebpf.Programs.Egress"));

        // Someone detaches the egress link behind the host's back (as `bpftool link detach` does): the health check says which.
        var egress = (BpfLink)hosted.Attachments[0].Attachment!;
        using (var other = BpfSyscall.LinkGetFdById(egress.Info.Id))
            BpfSyscall.LinkDetach(other);
        health = await Health(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        var description = health.Entries["ebpf"].Description!;
        Assert.Contains($"counter: Egress -> cgroup {lab.Cgroup.Path}: detached", description);
        Assert.DoesNotContain("Ingress", description);
        Assert.Equal("attached", health.Entries["ebpf"].Data[$"counter: Ingress -> cgroup {lab.Cgroup.Path}"]);

        await host.StopAsync();
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));
        Assert.Null(hosted.Object);
        Assert.Contains("not loaded", (await Health(host)).Entries["ebpf"].Description);
        Assert.DoesNotContain(MetricsCollector.Collect("Ebpf.counter"), m => m.Instrument == "hosted.packets"); // the map is closed
    }

    [KernelFact]
    public async Task A_program_that_cannot_attach_stops_the_host_from_starting_and_leaves_nothing_attached()
    {
        using var lab = new TrafficLab();
        var builder = Builder(new CapturedLogs(), Merge(
            new() { ["Ebpf:counter:Type"] = typeof(HostedCounter).AssemblyQualifiedName, ["Ebpf:later:Path"] = "/nonexistent/later.bpf.o" },
            Attach("counter", 0, nameof(HostedCounter.Egress), lab.Cgroup.Path),
            Attach("counter", 1, "Missing", lab.Cgroup.Path)));
        builder.Services.AddEbpf(builder.Configuration.GetSection("Ebpf")); // "counter" first: "later" is never tried
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<BpfException>(() => host.StartAsync());
        Assert.Contains("ebpf object 'counter' has no program 'Missing' to attach; it has: ", e.Message);
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress)); // Egress was attached first, then undone
        Assert.Null(host.Services.GetRequiredService<BpfObjects>()["counter"].Object);
    }

    [KernelFact]
    public async Task With_ContinueOnError_the_host_runs_and_the_health_check_names_what_failed()
    {
        using var lab = new TrafficLab();
        var builder = Builder(new CapturedLogs(), Merge(
            new() { ["Ebpf:counter:Type"] = typeof(HostedCounter).AssemblyQualifiedName, ["Ebpf:counter:ContinueOnError"] = "true" },
            Attach("counter", 0, nameof(HostedCounter.Egress), lab.Cgroup.Path),
            Attach("counter", 1, nameof(HostedCounter.Either), lab.Cgroup.Path))); // no direction given for a cgroup/skb program
        builder.Services.AddEbpf(builder.Configuration.GetSection("Ebpf"));
        // In code, beside configuration: an object whose file is missing.
        builder.Services.AddEbpf("broken", o => { o.Path = "/nonexistent/broken.bpf.o"; o.ContinueOnError = true; });
        using var host = builder.Build();

        await host.StartAsync();
        var report = (await Health(host)).Entries["ebpf"];
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("attached", report.Data[$"counter: Egress -> cgroup {lab.Cgroup.Path}"]);
        Assert.StartsWith("failed: ", (string)report.Data[$"counter: Either -> cgroup {lab.Cgroup.Path}"]);
        Assert.Contains("SkbDirection", (string)report.Data[$"counter: Either -> cgroup {lab.Cgroup.Path}"]); // the attach error says to pass a direction
        Assert.StartsWith("failed to load: ", (string)report.Data["broken"]);
        Assert.Single(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
        await host.StopAsync();
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
    }

    [KernelTheory]
    [InlineData(null)]                          // the tracepoint its section names
    [InlineData("sched/sched_process_exec")]    // named in configuration
    public async Task A_tracepoint_program_counts_while_the_host_runs_and_is_gone_after_it_stops(string? target)
    {
        var builder = Builder(new CapturedLogs(), new()
        {
            ["Ebpf:tracer:Type"] = typeof(HostedTracer).AssemblyQualifiedName,
            ["Ebpf:tracer:Attach:0:Program"] = nameof(HostedTracer.Exec), ["Ebpf:tracer:Attach:0:Kind"] = "Tracepoint",
            ["Ebpf:tracer:Attach:0:Target"] = target,
        });
        builder.Services.AddEbpf(builder.Configuration.GetSection("Ebpf"));
        using var host = builder.Build();
        await host.StartAsync();
        var bpf = host.Services.GetRequiredService<BpfObjects>()["tracer"].Loaded;
        var programId = bpf.Programs[nameof(HostedTracer.Exec)].Info.Id;
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);

        for (var i = 0; i < 5; i++)
            Command.Run("true");
        Assert.InRange(bpf.Maps["execs"].AsArray<ulong>()[0], 5UL, ulong.MaxValue); // every exec of the machine: ours and others'

        await host.StopAsync();
        // Detached and closed: the kernel frees the program once nothing holds it (after an RCU grace period).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProgramExists(programId) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.False(ProgramExists(programId), $"program {programId} still exists after the host stopped");
    }

    private static bool ProgramExists(uint id)
    {
        try
        {
            BpfSyscall.ProgGetFdById(id).Dispose();
            return true;
        }
        catch (BpfSyscallException e) when (e.ErrnoName == "ENOENT")
        {
            return false;
        }
    }

    [Theory]
    [InlineData(null, null, "Cgroup", "x", "neither where its object file is nor which C# class")]
    [InlineData("/a.o", "T, A", "Cgroup", "x", "sets both \"Path\" and \"Type\"")]
    [InlineData(null, "No.Such.Type, NoSuchAssembly", "Cgroup", "x", "type 'No.Such.Type, NoSuchAssembly' was not found")]
    [InlineData(null, null, null, "x", "set \"Kind\" to one of Cgroup, Xdp, Tcx, Tc, Tracepoint")]
    [InlineData(null, null, "Xdp", null, "kind Xdp needs \"Target\": an interface name")]
    public async Task Configuration_mistakes_are_named_before_anything_is_loaded(string? path, string? type, string? kind, string? target, string message)
    {
        var builder = Builder(new CapturedLogs(), new()
        {
            ["Ebpf:obj:Path"] = path, ["Ebpf:obj:Type"] = type,
            ["Ebpf:obj:Attach:0:Program"] = "P", ["Ebpf:obj:Attach:0:Kind"] = kind, ["Ebpf:obj:Attach:0:Target"] = target,
        });
        builder.Services.AddEbpf(builder.Configuration.GetSection("Ebpf"));
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<BpfException>(() => host.StartAsync());
        Assert.Contains(message, e.Message);
        Assert.Contains("ebpf object 'obj'", e.Message);
    }

    [Fact]
    public void Registering_one_name_twice_is_refused()
    {
        var services = new ServiceCollection();
        services.AddEbpf<HostedCounter>();
        var e = Assert.Throws<BpfException>(() => services.AddEbpf<HostedCounter>());
        Assert.Contains("'HostedCounter' is registered twice", e.Message);
    }
}
