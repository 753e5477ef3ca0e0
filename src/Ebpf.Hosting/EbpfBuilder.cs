using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ebpf.Hosting;

/// <summary>One registered object, for adding attachments, event handlers and map instruments in code.</summary>
public sealed class EbpfBuilder
{
    private readonly EbpfRegistrations _registrations;

    internal EbpfBuilder(string name, IServiceCollection services, EbpfRegistrations registrations)
    {
        Name = name;
        Services = services;
        _registrations = registrations;
    }

    /// <summary>The object's name: its options' name and its key in <see cref="BpfObjects"/>.</summary>
    public string Name { get; }

    public IServiceCollection Services { get; }

    /// <summary>Adds an attachment after those from configuration.</summary>
    public EbpfBuilder Attach(string program, BpfAttachKind kind, string? target = null, BpfDirection? direction = null)
    {
        var attach = new BpfAttachOptions { Program = program, Kind = kind, Target = target, Direction = direction };
        Attacher.Validate(Name, attach);
        Services.Configure<BpfObjectOptions>(Name, o => o.Attach.Add(attach));
        return this;
    }

    /// <summary>
    /// Makes instruments over the object's maps once it is loaded, on the object's meter (named by
    /// <see cref="BpfObjectOptions.MeterName"/>, from the host's IMeterFactory): <c>(bpf, meter) =&gt; meter.ObserveMap(...)...</c>.
    /// </summary>
    public EbpfBuilder AddMetrics(Action<BpfObject, Meter> instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        _registrations.Metrics.Add((Name, instruments));
        return this;
    }

    /// <summary>Hands every record of the ring buffer or perf event array <paramref name="map"/> to <paramref name="handler"/> while the host runs.</summary>
    public EbpfBuilder OnEvent<TEvent>(string map, Func<TEvent, CancellationToken, ValueTask> handler) where TEvent : unmanaged
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registrations.Events.Add(new EventRegistration(Name, map, (_, reader, token) => Pump(reader, handler, token)));
        return this;
    }

    /// <summary>The same with a handler from dependency injection (registered here as a singleton unless it already is).</summary>
    public EbpfBuilder OnEvent<TEvent, THandler>(string map) where TEvent : unmanaged where THandler : class, IBpfEventHandler<TEvent>
    {
        Services.TryAddSingleton<THandler>();
        _registrations.Events.Add(new EventRegistration(Name, map,
            (services, reader, token) => Pump<TEvent>(reader, services.GetRequiredService<THandler>().HandleAsync, token)));
        return this;
    }

    private static async Task Pump<TEvent>(BpfEventReader reader, Func<TEvent, CancellationToken, ValueTask> handler, CancellationToken token) where TEvent : unmanaged
    {
        await foreach (var record in reader.ReadAllAsync<TEvent>(token).ConfigureAwait(false))
            await handler(record, token).ConfigureAwait(false);
    }
}
