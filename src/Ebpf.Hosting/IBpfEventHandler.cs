namespace Ebpf.Hosting;

/// <summary>Handles the records a program sends through a ring buffer or perf event array, one at a time, as they come.</summary>
public interface IBpfEventHandler<TEvent> where TEvent : unmanaged
{
    ValueTask HandleAsync(TEvent record, CancellationToken cancellationToken);
}
