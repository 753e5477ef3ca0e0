using System.Diagnostics;
using Ebpf;
using TrafficMonitor;

// Traffic monitor: counts the packets and bytes that the processes of one cgroup send and receive.
// No arguments: makes its own cgroup, drives a little loopback traffic from a child process inside it,
// shows the counts each second, and cleans up. With --cgroup PATH: watches that cgroup until Ctrl+C.
var cgroupPath = ArgValue("--cgroup");
var seconds = int.TryParse(ArgValue("--seconds"), out var s) ? s : cgroupPath is null ? 5 : int.MaxValue;

try
{
    using var bpf = BpfObject.Load<TrafficProgram>(); // the object dotnet build compiled from TrafficProgram.cs and embedded
    using var cgroup = cgroupPath is null ? Cgroup.Create($"ebpf-traffic-monitor-{Environment.ProcessId}") : Cgroup.Open(cgroupPath);
    using var ingress = bpf.Programs[nameof(TrafficProgram.Ingress)].AsCgroupSkb().Attach(cgroup);
    using var egress = bpf.Programs[nameof(TrafficProgram.Egress)].AsCgroupSkb().Attach(cgroup);
    Console.WriteLine($"watching cgroup {cgroup.Path} (ingress and egress attached as BPF links)");

    using var child = cgroupPath is null ? StartTrafficInside(cgroup, seconds) : null;
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    var traffic = bpf.Maps["traffic"].AsArray<Counters>(); // the kernel side's own value struct
    Console.WriteLine($"{"time",5}  {"ingress pkts",12} {"bytes",10}  {"egress pkts",12} {"bytes",10}");
    for (var t = 1; t <= seconds && !stop.IsCancellationRequested; t++)
    {
        try { await Task.Delay(1000, stop.Token); } catch (TaskCanceledException) { }
        var (ingressNow, egressNow) = (traffic[TrafficProgram.IngressSlot], traffic[TrafficProgram.EgressSlot]);
        Console.WriteLine($"{t,4}s  {ingressNow.Packets,12} {ingressNow.Bytes,10}  {egressNow.Packets,12} {egressNow.Bytes,10}");
    }
    if (child is { HasExited: false })
    {
        child.Kill();
        child.WaitForExit(); // an exiting process would keep the cgroup from being removed
    }
    Console.WriteLine("detached; " + (cgroupPath is null ? "cgroup removed" : "cgroup left as it was"));
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// A child that joins the cgroup first, then exchanges UDP datagrams with itself on loopback for a while:
// every datagram is seen once leaving (egress) and once arriving (ingress).
static Process StartTrafficInside(Cgroup cgroup, int seconds)
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

string? ArgValue(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
