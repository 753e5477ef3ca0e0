using Ebpf;
using EbpfCgroupFilter;

// Drops what the processes of a cgroup send to blocked ports, and prints the verdicts every second (run as root):
//   dotnet run -- --cgroup /sys/fs/cgroup/my-service --block 9999 [--block PORT]... [--seconds N]
// Without --cgroup it makes a cgroup of its own (removed on exit): move a shell into it to try the filter.
var cgroupPath = Value("--cgroup");
var ports = Values("--block").Select(ushort.Parse).ToList();
var seconds = Value("--seconds") is { } s ? int.Parse(s) : int.MaxValue;

try
{
    using var bpf = BpfObject.Load(typeof(FilterProgram)); // the object dotnet build compiled from FilterProgram.cs and embedded
    var blocked = bpf.Maps[nameof(FilterProgram.BlockedPorts)].AsHashMap<ushort, ulong>();
    foreach (var port in ports)
        blocked[port] = 0;
    var verdicts = bpf.Maps[nameof(FilterProgram.Verdicts)].AsArray<ulong>();

    using var cgroup = cgroupPath is null ? Cgroup.Create($"ebpf-cgroup-filter-{Environment.ProcessId}") : Cgroup.Open(cgroupPath);
    using var link = bpf.Programs[nameof(FilterProgram.Egress)].AsCgroupSkb().Attach(cgroup); // detached on Dispose
    Console.WriteLine($"filtering egress of {cgroup.Path}; blocked ports: {string.Join(", ", ports)}");

    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    for (var i = 0; i < seconds && !stop.IsCancellationRequested; i++)
    {
        try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
        Console.WriteLine($"passed {verdicts[FilterProgram.PassedSlot]}, dropped {verdicts[FilterProgram.DroppedSlot]}");
    }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

IEnumerable<string> Values(string name)
{
    for (var i = 0; i + 1 < args.Length; i++)
        if (args[i] == name)
            yield return args[i + 1];
}
