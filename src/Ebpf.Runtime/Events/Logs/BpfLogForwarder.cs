using Microsoft.Extensions.Logging;

namespace Ebpf;

/// <summary>
/// Hands the lines an object's programs log to Microsoft.Extensions.Logging as they come, on a task of its own: each with its
/// level, an EventId (the site id, named by the program), and the record as structured state (template values, code.* and
/// "{OriginalFormat}"), so console, JSON or OpenTelemetry providers show them as any .NET log line. Dispose stops it.
/// </summary>
public sealed class BpfLogForwarder : IDisposable, IAsyncDisposable
{
    private readonly BpfLogReader _reader;
    private readonly Func<BpfLogRecord, ILogger> _loggerFor;
    private readonly Func<LogLevel, bool> _enabled;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly ILogger _self;
    private readonly Lock _consuming = new(); // the forwarding task and Flush callers share one ring consumer
    private long _forwarded;
    private ulong _lostReported;

    internal BpfLogForwarder(BpfLogReader reader, Func<BpfLogRecord, ILogger> loggerFor, Func<LogLevel, bool> enabled, ILogger self)
    {
        _reader = reader;
        _self = self;
        _loggerFor = loggerFor;
        _enabled = enabled;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Lines handed to loggers so far.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Records that could not be decoded (see <see cref="BpfLogReader.LastError"/>).</summary>
    public long Errors => _reader.Errors;

    /// <summary>Lines the programs could not send (the log buffer was full); each new loss is also logged as a warning.</summary>
    public ulong Lost => _reader.Lost;

    /// <summary>Hands over the lines waiting now, at once (the task does it too; this is for tests and for shutdown).</summary>
    public int Flush()
    {
        lock (_consuming)
            return FlushLocked();
    }

    private int FlushLocked()
    {
        var count = _reader.Consume(Forward, _enabled);
        var lost = _reader.Lost;
        if (lost > _lostReported)
        {
            _self.LogWarning("{LostLines} log lines of BPF programs were lost: the log buffer ({BufferBytes} bytes) was full; read faster, log less, or raise BpfLoadOptions.MinimumLogLevel",
                lost - _lostReported, _reader.BufferSize);
            _lostReported = lost;
        }
        return count;
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await _reader.WaitAsync(_stop.Token).ConfigureAwait(false);
                Flush();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (ObjectDisposedException) when (_stop.IsCancellationRequested) { }
    }

    private void Forward(BpfLogRecord line)
    {
        _loggerFor(line).Log(line.Level, new EventId((int)line.SiteId, line.Program), line, null, static (state, _) => state.Message);
        Interlocked.Increment(ref _forwarded);
    }

    /// <summary>Stops forwarding, forwards the lines already in the ring, and closes the reader.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try { _run.Wait(); } catch (AggregateException) { }
        Flush(); // what came before the stop
        _reader.Dispose();
        _stop.Dispose();
    }

    /// <summary>As <see cref="Dispose"/> (which waits for the forwarding task to end).</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
