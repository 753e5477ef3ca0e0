using BashReadline;
using Ebpf;
using Microsoft.Extensions.Logging;

// bashreadline: logs every command line typed into an interactive bash on this machine (pid, comm, line) until Ctrl+C.
// --shell PATH probes another bash binary than /bin/bash (one whose readline symbol is visible, as Debian's is).
var shell = args.Length >= 2 && args[0] == "--shell" ? args[1] : "/bin/bash";
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
var log = loggers.CreateLogger("bashreadline");
try
{
    using var bpf = BpfObject.Load<BashReadlineProgram>();
    using var link = bpf.Programs[nameof(BashReadlineProgram.OnReadline)].AsUprobe().Attach(shell, "readline", retprobe: true);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    log.LogInformation("tracing readline in {Shell}... Ctrl+C to end", shell);
    try
    {
        await foreach (var e in bpf.Maps["Events"].AsRingBuffer().ReadAllAsync<ReadlineEvent>(stop.Token))
            log.LogInformation("{Pid} {Comm}: {Line}", e.Pid, e.CommText, e.LineText);
    }
    catch (OperationCanceledException) { }
    return 0;
}
catch (BpfException e)
{
    log.LogError("{Message}", e.Message);
    return 1;
}
