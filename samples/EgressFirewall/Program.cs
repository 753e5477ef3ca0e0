using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ebpf;
using Ebpf.Kernel;
using EgressFirewall;
using Microsoft.Extensions.Logging;

// Egress firewall: drops what the processes of one cgroup send to blocked addresses or ports, and counts it.
// No arguments: makes its own cgroup, blocks 127.0.0.2 and port 9999, shows which of a few sends from a child
// process inside the cgroup get through, prints the counters and cleans up.
// With --cgroup PATH [--block ADDRESS]... [--block-port PORT]...: enforces on that cgroup until Ctrl+C.
var cgroupPath = Value("--cgroup");
var addresses = Values("--block").Select(IPAddress.Parse).ToList();
var ports = Values("--block-port").Select(ushort.Parse).ToList();
var demo = cgroupPath is null;
if (demo)
{
    addresses.Add(IPAddress.Parse("127.0.0.2"));
    ports.Add(9999);
}

try
{
    using var bpf = BpfObject.Load<FirewallProgram>(); // the object dotnet build compiled from FirewallProgram.cs and embedded
    using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
    using var logs = bpf.ForwardLogs(loggers); // the program's Log.Warning lines, one per drop
    foreach (var address in addresses)
        Block(bpf, address);
    foreach (var port in ports)
        BlockPort(bpf, port);
    using var cgroup = demo ? Cgroup.Create($"ebpf-egress-firewall-{Environment.ProcessId}") : Cgroup.Open(cgroupPath!);
    using var link = bpf.Programs[nameof(FirewallProgram.Filter)].AsCgroupSkb().Attach(cgroup);
    Console.WriteLine($"filtering egress of cgroup {cgroup.Path}: blocked {string.Join(", ", addresses)}; ports {string.Join(", ", ports)}");

    if (demo)
    {
        foreach (var (host, port) in new[] { ("127.0.0.1", 9998), ("127.0.0.2", 9998), ("127.0.0.1", 9999), ("::1", 9998), ("::1", 9999) })
            Console.WriteLine($"  send to {host,-10} port {port}: {SendFromInside(cgroup, host, port)}");
    }
    else
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(1000, stop.Token); } catch (TaskCanceledException) { }
            Console.WriteLine($"passed {Verdicts(bpf, FirewallProgram.PassedSlot)}, dropped {Verdicts(bpf, FirewallProgram.DroppedSlot)}");
        }
    }
    logs.Flush();
    Console.WriteLine($"passed {Verdicts(bpf, FirewallProgram.PassedSlot)} packets, dropped {Verdicts(bpf, FirewallProgram.DroppedSlot)}");
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// Addresses are keys in network byte order, as the IP header holds them; the value counts drops.
static void Block(BpfObject bpf, IPAddress address)
{
    if (address.AddressFamily == AddressFamily.InterNetworkV6)
        bpf.Maps["blocked_v6"].AsHashMap<IPv6Address, ulong>()[IPv6Address.FromBytes(address.GetAddressBytes())] = 0;
    else
        bpf.Maps["blocked_v4"].AsHashMap<uint, ulong>()[BitConverter.ToUInt32(address.GetAddressBytes())] = 0;
}

// Ports are keys in host order, as the program compares them.
static void BlockPort(BpfObject bpf, ushort port) => bpf.Maps["blocked_ports"].AsHashMap<ushort, ulong>()[port] = 0;

static ulong Verdicts(BpfObject bpf, uint slot) => bpf.Maps["verdicts"].AsArray<ulong>()[slot];

// One UDP datagram from a child that joined the cgroup first; a dropped egress packet fails the send with EPERM.
static string SendFromInside(Cgroup cgroup, string host, int port)
{
    const string script = """
        import socket, sys
        host, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b'hello', (host, port))
            print('sent')
        except PermissionError:
            print('blocked')
        """;
    var psi = new ProcessStartInfo("sh", ["-c", $"echo $$ > {cgroup.Path}/cgroup.procs && exec python3 -c \"$0\" \"$1\" \"$2\"", script, host, port.ToString()])
    {
        RedirectStandardOutput = true,
    };
    using var p = Process.Start(psi)!;
    var output = p.StandardOutput.ReadToEnd().Trim();
    p.WaitForExit();
    return output;
}

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

IEnumerable<string> Values(string name)
{
    for (var i = 0; i + 1 < args.Length; i++)
        if (args[i] == name)
            yield return args[i + 1];
}
