using Ebpf;
using OpenSnoop;

// opensnoop: prints every openat on this machine (pid, comm, fd or error, flags, path) until Ctrl+C.
// --comm NAME shows only the opens of processes with that name.
var comm = args.Length >= 2 && args[0] == "--comm" ? args[1] : null;
try
{
    using var bpf = BpfObject.Load<OpenSnoopProgram>();
    using var enter = bpf.Programs[nameof(OpenSnoopProgram.Enter)].AsTracepoint().Attach("syscalls/sys_enter_openat");
    using var exit = bpf.Programs[nameof(OpenSnoopProgram.Exit)].AsTracepoint().Attach("syscalls/sys_exit_openat");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    Console.WriteLine($"{"PID",-7} {"COMM",-16} {"FD",3} {"ERR",3} {"FLAGS",8} PATH");
    try
    {
        await foreach (var e in bpf.Maps["Events"].AsRingBuffer().ReadAllAsync<OpenEvent>(stop.Token))
        {
            var name = e.CommText;
            if (comm is not null && name != comm) continue;
            var (fd, err) = e.Result >= 0 ? (e.Result, 0) : (-1, -e.Result);
            Console.WriteLine($"{e.Pid,-7} {name,-16} {fd,3} {err,3} {e.Flags,8:x} {e.PathText}");
        }
    }
    catch (OperationCanceledException) { }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
