using Ebpf;
using EbpfXdpCounter;

// Counts the IPv4 packets arriving on an interface per protocol, and prints the counts every second (run as root):
//   dotnet run -- [INTERFACE] [--seconds N]        (INTERFACE: lo by default)
var interfaceName = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "lo";
var seconds = Array.IndexOf(args, "--seconds") is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : int.MaxValue;

try
{
    using var bpf = BpfObject.Load(typeof(CounterProgram)); // the object dotnet build compiled from CounterProgram.cs and embedded
    var protocols = bpf.Maps[nameof(CounterProgram.Protocols)].AsArray<ulong>();
    // Generic (skb) mode works on every interface, lo and veth included; drivers with XDP support take XdpMode.Native.
    using var link = bpf.Programs[nameof(CounterProgram.Count)].AsXdp().Attach(interfaceName, XdpMode.Generic); // detached on Dispose
    Console.WriteLine($"counting packets arriving on {interfaceName}");

    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    for (var i = 0; i < seconds && !stop.IsCancellationRequested; i++)
    {
        try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
        Console.WriteLine($"tcp {protocols[6]}, udp {protocols[17]}, icmp {protocols[1]}");
    }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
