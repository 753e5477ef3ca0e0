using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ebpf.Hosting;

/// <summary>
/// Loads every registered object when the host starts (in order of registration), attaches its programs, forwards its
/// programs' logs, makes its map instruments and starts its event handlers; when the host stops, undoes all of it in
/// reverse: handlers stopped, programs detached, logs flushed, objects closed.
/// </summary>
internal sealed class EbpfHostedService(
    IServiceProvider services, BpfObjects objects, EbpfRegistrations registrations, IOptionsMonitor<BpfObjectOptions> options) : IHostedService, IDisposable
{
    // A host always has logging; a bare ServiceProvider (as in some tests and tools) may not.
    private readonly ILoggerFactory _loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
    private ILogger? _logger;
    private ILogger Log => _logger ??= _loggers.CreateLogger("Ebpf.Hosting");
    private readonly List<IDisposable> _running = []; // log forwarders, readers and meters, disposed in reverse
    private readonly List<Task> _eventLoops = [];
    private CancellationTokenSource? _stop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        try
        {
            foreach (var hosted in objects)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Start(hosted, options.Get(hosted.Name));
            }
        }
        catch
        {
            Stop(); // a host that fails to start leaves nothing attached
            throw;
        }
        return Task.CompletedTask;
    }

    /// <summary>Releases the stop signal; the container disposes the service after the host stopped it.</summary>
    public void Dispose() => _stop?.Dispose();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop?.Cancel();
        try
        {
            await Task.WhenAll(_eventLoops).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        Stop();
    }

    private void Start(HostedBpfObject hosted, BpfObjectOptions o)
    {
        hosted.Options = o;
        hosted.Error = null; // from an earlier start of the same host
        hosted.Attachments = [.. o.Attach.Select(a => new HostedAttachment(a))];
        BpfObject bpf;
        try
        {
            bpf = Load(hosted.Name, o);
        }
        catch (Exception e) when (o.ContinueOnError && e is BpfException or IOException or UnauthorizedAccessException)
        {
            hosted.Error = e;
            Log.LogError(e, "ebpf object '{Object}' failed to load; the host goes on (ContinueOnError) and the health check reports it", hosted.Name);
            return;
        }
        hosted.Object = bpf;
        Log.LogInformation("loaded ebpf object '{Object}': programs {Programs}; maps {Maps}", hosted.Name,
            string.Join(", ", bpf.Programs.Select(p => p.Name)), string.Join(", ", bpf.Maps.Select(m => m.Name)));

        if (o.ForwardLogs)
            _running.Add(bpf.ForwardLogs(_loggers));
        foreach (var attachment in hosted.Attachments)
            Attach(hosted, attachment, o);
        foreach (var (_, configure) in registrations.Metrics.Where(m => m.Object == hosted.Name))
            configure(bpf, Meter(hosted.Name, o));
        foreach (var events in registrations.Events.Where(e => e.Object == hosted.Name))
            StartEvents(bpf, events);
    }

    private static BpfObject Load(string name, BpfObjectOptions o)
    {
        var load = new BpfLoadOptions { MinimumLogLevel = o.MinimumLogLevel, PinDirectory = o.PinDirectory };
        foreach (var a in o.Attach)
            Attacher.Validate(name, a);
        return (o.Path, o.Type) switch
        {
            ({ } path, null) => BpfObject.Load(path, load),
            (null, { } type) => BpfObject.Load(System.Type.GetType(type, throwOnError: false)
                ?? throw new BpfException($"ebpf object '{name}': type '{type}' was not found; give its assembly-qualified name, \"Namespace.Class, Assembly\""), load),
            (null, null) => throw new BpfException($"ebpf object '{name}' says neither where its object file is nor which C# class of programs it is; set \"Path\" or \"Type\""),
            _ => throw new BpfException($"ebpf object '{name}' sets both \"Path\" and \"Type\"; keep one"),
        };
    }

    private void Attach(HostedBpfObject hosted, HostedAttachment attachment, BpfObjectOptions o)
    {
        try
        {
            attachment.Attachment = Attacher.Attach(hosted.Object!, hosted.Name, attachment.Options);
            Log.LogInformation("ebpf object '{Object}': attached {Attachment}", hosted.Name, attachment);
        }
        catch (Exception e) when (o.ContinueOnError && e is BpfException or IOException or UnauthorizedAccessException)
        {
            attachment.Error = e;
            Log.LogError(e, "ebpf object '{Object}': attaching {Attachment} failed; the host goes on (ContinueOnError) and the health check reports it", hosted.Name, attachment);
        }
    }

    private Meter Meter(string name, BpfObjectOptions o)
    {
        var meterName = o.MeterName ?? $"Ebpf.{name}";
        // The host's factory when it has one (its meters are what its listeners and OpenTelemetry see); else one of our own.
        if (services.GetService<IMeterFactory>() is { } factory)
            return factory.Create(meterName);
        var meter = new Meter(meterName);
        _running.Add(meter);
        return meter;
    }

    private void StartEvents(BpfObject bpf, EventRegistration events)
    {
        var map = bpf.Maps[events.Map];
        BpfEventReader reader = map.Type switch
        {
            BpfMapType.Ringbuf => map.AsRingBuffer(),
            BpfMapType.PerfEventArray => map.AsPerfEventArray(),
            _ => throw new BpfException($"map '{events.Map}' is a {map.Type} map; event handlers read ring buffers and perf event arrays"),
        };
        _running.Add(reader);
        var token = _stop!.Token;
        _eventLoops.Add(Task.Run(async () =>
        {
            try
            {
                await events.Run(services, reader, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { }
            catch (Exception e)
            {
                Log.LogError(e, "the event handler of map '{Map}' of ebpf object '{Object}' failed; its events are no longer read", events.Map, events.Object);
            }
        }, CancellationToken.None));
    }

    private void Stop()
    {
        _stop?.Cancel();
        foreach (var hosted in objects.Reverse())
        {
            foreach (var attachment in hosted.Attachments.Reverse())
            {
                if (attachment.Attachment is not { } a)
                    continue;
                a.Dispose(); // a pinned link stays attached: the pin holds it
                attachment.Attachment = null;
                Log.LogInformation("ebpf object '{Object}': detached {Attachment}", hosted.Name, attachment);
            }
        }
        foreach (var forwarder in _running.OfType<BpfLogForwarder>())
            forwarder.Flush(); // the last lines, logged before the programs were detached
        for (var i = _running.Count - 1; i >= 0; i--)
            _running[i].Dispose();
        _running.Clear();
        _eventLoops.Clear();
        foreach (var hosted in objects)
        {
            hosted.Object?.Dispose();
            hosted.Object = null;
        }
        _stop?.Dispose();
        _stop = null;
    }
}
