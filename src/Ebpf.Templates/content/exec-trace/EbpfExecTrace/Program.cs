using System.Runtime.InteropServices;
using Ebpf;
using EbpfExecTrace;

// Prints every program started on this machine (pid, uid, command) until Ctrl+C, or for N seconds (run as root):
//   dotnet run -- [--seconds N]
var seconds = Array.IndexOf(args, "--seconds") is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : 0;

try
{
    using var bpf = BpfObject.Load<ExecProgram>(); // the object dotnet build compiled from ExecProgram.cs and embedded
    using var link = bpf.Programs[nameof(ExecProgram.OnExec)].AsTracepoint().Attach("sched/sched_process_exec"); // detached on Dispose
    using var stop = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    Console.WriteLine($"{"PID",-8} {"UID",-6} COMMAND");
    try
    {
        await foreach (var e in bpf.Maps[nameof(ExecProgram.Events)].AsRingBuffer().ReadAllAsync<ExecEvent>(stop.Token))
            Console.WriteLine($"{e.Pid,-8} {e.Uid,-6} {Command(e)}");
    }
    catch (OperationCanceledException) { }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static unsafe string Command(ExecEvent e) => Marshal.PtrToStringUTF8((nint)e.Comm) ?? "";
