using System.Runtime.CompilerServices;
using Ebpf.Object.Logs;
using Microsoft.Extensions.Logging;

namespace Ebpf;

/// <summary>
/// Reads the lines an object's C# programs log (its "ebpf_logs" ring buffer) and decodes them with the object's log site table.
/// Disposing closes the reader; the object keeps the map. Made by <see cref="BpfLogExtensions.OpenLogs"/>.
/// </summary>
public sealed class BpfLogReader : IDisposable
{
    private readonly RingBufferReader? _ring;
    private readonly LogDecoder? _decoder;
    private readonly BpfMap? _bss;
    private readonly int _lostOffset;
    private long _errors;

    internal BpfLogReader(BpfObject bpf)
    {
        var sites = bpf.Spec.LogSites;
        if (sites.Sites.Count == 0) return; // nothing logs: a reader that never has a line
        if (!bpf.Maps.TryGet(LogSiteTable.MapName, out var map))
            throw new BpfException($"{bpf.Spec.Source} has log lines but no '{LogSiteTable.MapName}' map; load the whole object (BpfLoadOptions.Programs does not drop maps)");
        _ring = map.AsRingBuffer();
        _decoder = new LogDecoder(sites, LogSiteTable.MapName);
        if (bpf.Spec.FindDataSection(".bss") is { } bss && bss.Variables.FirstOrDefault(v => v.Name == LogSiteTable.LostVariable) is { } lost)
        {
            _bss = bpf.Maps[".bss"];
            _lostOffset = (int)lost.Offset;
        }
    }

    /// <summary>
    /// Lines the programs could not send because the log buffer was full (counted in the kernel): read the lines faster, log
    /// fewer, or raise BpfLoadOptions.MinimumLogLevel.
    /// </summary>
    public ulong Lost
    {
        get
        {
            if (_bss is null) return 0;
            Span<byte> key = stackalloc byte[4];
            key.Clear();
            var value = new byte[_bss.ValueSize];
            return _bss.TryLookup(key, value) ? BitConverter.ToUInt64(value, _lostOffset) : 0;
        }
    }

    /// <summary>Bytes of the log ring buffer (0 for an object without log lines).</summary>
    public uint BufferSize => _ring?.Maps[0].MaxEntries ?? 0;

    /// <summary>Records that could not be decoded (another object's records in a shared map, a damaged table).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last decoding error, for a message.</summary>
    public BpfException? LastError { get; private set; }

    /// <summary>Hands every line there is now to <paramref name="handler"/>; returns how many.</summary>
    public int Consume(Action<BpfLogRecord> handler, Func<LogLevel, bool>? enabled = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_ring is null) return 0;
        var count = 0;
        _ring.Consume(record =>
        {
            try
            {
                if (enabled is not null && _decoder!.LevelOf(record) is { } level && !enabled(level)) return;
                handler(_decoder!.Decode(record));
                count++;
            }
            catch (BpfException e)
            {
                Interlocked.Increment(ref _errors);
                LastError = e;
            }
        });
        return count;
    }

    /// <summary>Completes when lines are waiting; never, for an object without log lines (until cancelled).</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default) =>
        _ring?.WaitAsync(cancellationToken) ?? new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken));

    /// <summary>Every line as it comes, until cancelled.</summary>
    public async IAsyncEnumerable<BpfLogRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var batch = new List<BpfLogRecord>();
        while (true)
        {
            await WaitAsync(cancellationToken).ConfigureAwait(false);
            Consume(batch.Add);
            foreach (var line in batch) yield return line;
            batch.Clear();
        }
    }

    /// <summary>Closes the ring buffer reader; the map stays with its object.</summary>
    public void Dispose() => _ring?.Dispose();
}
