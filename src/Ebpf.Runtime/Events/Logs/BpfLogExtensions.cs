using Microsoft.Extensions.Logging;

namespace Ebpf;

/// <summary>The lines C# programs log with <c>Log.Information($"...")</c>, read from a loaded object.</summary>
public static class BpfLogExtensions
{
    /// <summary>A reader of the object's log lines; for an object without any, a reader that never has one.</summary>
    public static BpfLogReader OpenLogs(this BpfObject bpf)
    {
        ArgumentNullException.ThrowIfNull(bpf);
        return new BpfLogReader(bpf);
    }

    /// <summary>Every log line as it comes, until cancelled.</summary>
    public static async IAsyncEnumerable<BpfLogRecord> ReadLogsAsync(this BpfObject bpf, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = bpf.OpenLogs();
        await foreach (var line in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return line;
    }

    /// <summary>Hands every log line to <paramref name="logger"/> until the result is disposed.</summary>
    public static BpfLogForwarder ForwardLogs(this BpfObject bpf, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return new BpfLogForwarder(bpf.OpenLogs(), _ => logger, logger.IsEnabled, logger);
    }

    /// <summary>Hands every log line to a logger of category "Ebpf.Programs.&lt;program&gt;" until the result is disposed.</summary>
    public static BpfLogForwarder ForwardLogs(this BpfObject bpf, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var byProgram = new Dictionary<string, ILogger>(StringComparer.Ordinal);
        ILogger For(string program)
        {
            lock (byProgram)
            {
                if (!byProgram.TryGetValue(program, out var logger))
                    byProgram[program] = logger = loggers.CreateLogger($"Ebpf.Programs.{program}");
                return logger;
            }
        }
        return new BpfLogForwarder(bpf.OpenLogs(), line => For(line.Program), _ => true, loggers.CreateLogger("Ebpf.Logs"));
    }
}
