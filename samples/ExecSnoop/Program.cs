using Ebpf;
using ExecSnoop;

// execsnoop: prints every exec on this machine (pid, parent pid, uid, comm, file) until Ctrl+C.
try
{
    using var bpf = BpfObject.Load<ExecSnoopProgram>();
    using var link = bpf.Programs[nameof(ExecSnoopProgram.OnExec)].AsTracepoint().Attach("sched/sched_process_exec");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    Console.WriteLine($"{"PID",-7} {"PPID",-7} {"UID",-6} {"COMM",-16} FILE");
    try
    {
        await foreach (var e in bpf.Maps["Events"].AsRingBuffer().ReadAllAsync<ExecEvent>(stop.Token))
            Console.WriteLine($"{e.Pid,-7} {e.ParentPid,-7} {e.Uid,-6} {e.CommText,-16} {e.FileNameText}");
    }
    catch (OperationCanceledException) { }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
