using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Reads the kernel's trace pipe (<c>/sys/kernel/tracing/trace_pipe</c>), where <c>bpf_printk</c> writes, as
/// <see cref="TraceRecord"/>s:
/// <code>
/// using var pipe = TracePipe.Open(new TracePipeOptions { CurrentProcessOnly = true });
/// await foreach (var line in pipe.ReadAllAsync(ct)) Console.WriteLine($"{line.Pid} {line.Message}");
/// </code>
/// <para>
/// The trace pipe is global and consuming: there is one per tracing instance for the whole machine, every program's
/// bpf_printk output (and any other enabled tracer's) goes into it, and a line read by one reader is gone for all
/// others; recent kernels (this one, 6.18) go further and let one reader at a time open it, so <see cref="Open"/>
/// fails with a message naming the holder while <c>cat trace_pipe</c>, <c>bpftool prog tracelog</c> or another
/// <see cref="TracePipe"/> has it open. Lines written
/// while nobody reads wait in the kernel's trace buffer (older ones are overwritten when it fills) and are read later.
/// Nothing is written while tracing is off (<c>tracing_on</c> is 0). The pipe carries no program id; see
/// <see cref="TracePipeOptions"/> for what filtering can do.
/// </para>
/// <para>
/// Reading waits in poll(2) on the pipe and on an eventfd, on a thread of its own, so cancelling the token or
/// disposing the reader ends a read that is blocked waiting for lines at once.
/// </para>
/// </summary>
public sealed class TracePipe : IDisposable
{
    /// <summary>Where tracefs is mounted on current systems.</summary>
    public const string TraceFsPath = "/sys/kernel/tracing";

    /// <summary>Where tracefs appears inside debugfs (older systems, or where /sys/kernel/tracing cannot be mounted).</summary>
    public const string DebugFsTracingPath = "/sys/kernel/debug/tracing";

    private readonly PollableFile _file;
    private readonly TracePipeOptions _options;
    private readonly HashSet<int> _ownThreads = [];
    private int _reading;
    private long _lostEvents;

    private TracePipe(PollableFile file, TracePipeOptions options)
    {
        _file = file; _options = options;
    }

    /// <summary>The trace_pipe file being read.</summary>
    public string Path => _file.Path;

    /// <summary>Events the kernel reported lost ("CPU:n [LOST m EVENTS]": its trace buffer overflowed before they were read).</summary>
    public long LostEvents => Interlocked.Read(ref _lostEvents);

    /// <summary>
    /// Opens the trace pipe. Mounts tracefs at /sys/kernel/tracing when nothing is mounted there (needs root), else
    /// falls back to /sys/kernel/debug/tracing; throws a <see cref="BpfException"/> saying what to mount when neither is there.
    /// </summary>
    public static TracePipe Open(TracePipeOptions? options = null)
    {
        options ??= new TracePipeOptions();
        if (options.Capacity < 1) throw new ArgumentOutOfRangeException(nameof(options), $"TracePipeOptions.Capacity must be at least 1, not {options.Capacity}.");
        string path = options.Path ?? FindTracePipe();
        try
        {
            return new TracePipe(PollableFile.Open(path), options);
        }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EBUSY)
        {
            throw new BpfException(
                $"Cannot open {path}: another reader has it open ({Holders(path)}), and the kernel lets one reader at a time " +
                "open a trace pipe. Close that reader (cat, bpftool prog tracelog, another TracePipe) first.", e);
        }
    }

    // Best effort: the processes that have the file open, from /proc/*/fd.
    private static string Holders(string path)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out int pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(System.IO.Path.Combine(dir, "fd")))
                    if (new FileInfo(fd).LinkTarget == path)
                    {
                        string comm = File.ReadAllText(System.IO.Path.Combine(dir, "comm")).TrimEnd('\n');
                        found.Add($"pid {pid} '{comm}'");
                        break;
                    }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look at.
            }
        }
        return found.Count == 0 ? "a process this one cannot see" : string.Join(", ", found);
    }

    /// <summary>The trace_pipe path Open would use, mounting tracefs at /sys/kernel/tracing if that is needed and possible.</summary>
    public static string FindTracePipe()
    {
        string pipe = System.IO.Path.Combine(TraceFsPath, "trace_pipe");
        if (File.Exists(pipe)) return pipe;
        Exception? mountError = null;
        if (Directory.Exists(TraceFsPath))
        {
            try
            {
                if (!Mounts.IsMounted(TraceFsPath, "tracefs")) Mounts.Mount("tracefs", TraceFsPath, "tracefs");
                if (File.Exists(pipe)) return pipe;
            }
            catch (BpfException e)
            {
                mountError = e;
            }
        }
        string debug = System.IO.Path.Combine(DebugFsTracingPath, "trace_pipe");
        if (File.Exists(debug)) return debug;
        throw new BpfException(
            $"No trace_pipe: tracefs is not mounted at {TraceFsPath} and {DebugFsTracingPath} does not exist" +
            (mountError is null ? "" : $" (mounting it failed: {mountError.Message})") +
            $". Mount it as root: mount -t tracefs tracefs {TraceFsPath}", mountError);
    }

    /// <summary>
    /// The lines as they arrive, filtered by the options, until <paramref name="cancellationToken"/> is cancelled
    /// (then <see cref="OperationCanceledException"/>, promptly even while waiting for a line) or the reader is
    /// disposed (then the sequence ends). One enumeration at a time per reader.
    /// </summary>
    public async IAsyncEnumerable<TraceRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
            throw new InvalidOperationException("This TracePipe is already being read; enumerate ReadAllAsync once at a time.");
        var channel = Channel.CreateBounded<TraceRecord>(new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var thread = new Thread(() => Pump(channel.Writer, stop.Token)) { IsBackground = true, Name = "TracePipe reader" };
        thread.Start();
        try
        {
            await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return record;
        }
        finally
        {
            stop.Cancel();
            thread.Join();
            Volatile.Write(ref _reading, 0);
        }
    }

    // The reading thread: poll/read, split into lines, parse, filter, hand over. Ends on cancellation or Dispose.
    private void Pump(ChannelWriter<TraceRecord> writer, CancellationToken stop)
    {
        Exception? error = null;
        try
        {
            var buffer = new byte[64 * 1024];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
                int n = _file.Read(buffer.AsSpan(filled), stop);
                if (n == 0) break;
                filled += n;
                int start = 0;
                while (Array.IndexOf(buffer, (byte)'\n', start, filled - start) is var end and >= 0)
                {
                    string line = Encoding.UTF8.GetString(buffer, start, end - start);
                    start = end + 1;
                    if (Accept(line) is { } record && !writer.TryWrite(record))
                        writer.WriteAsync(record, stop).AsTask().GetAwaiter().GetResult();
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reading: the sequence ends.
        }
        catch (Exception e)
        {
            error = e;
        }
        writer.TryComplete(error);
    }

    private TraceRecord? Accept(string line)
    {
        if (!TraceRecord.TryParse(line, out var record))
        {
            if (TraceRecord.LostRegex().Match(line) is { Success: true } lost && long.TryParse(lost.Groups["n"].ValueSpan, out long count))
                Interlocked.Add(ref _lostEvents, count);
            return null;
        }
        if (_options.BpfPrintkOnly && !record.IsBpfPrintk) return null;
        if (_options.Pids is { } pids && !pids.Contains(record.Pid) && !(record.ThreadGroupId is { } tgid && pids.Contains(tgid))) return null;
        if (_options.CurrentProcessOnly && !IsOwnThread(record)) return null;
        if (_options.Filter is { } filter && !filter(record)) return null;
        return record;
    }

    private bool IsOwnThread(TraceRecord record)
    {
        if (record.ThreadGroupId is { } tgid) return tgid == Environment.ProcessId;
        if (record.Pid == Environment.ProcessId || _ownThreads.Contains(record.Pid)) return true;
        if (!Directory.Exists($"/proc/self/task/{record.Pid}")) return false;
        _ownThreads.Add(record.Pid);
        return true;
    }

    /// <summary>The calling thread's kernel pid (its thread id), as trace lines show it: from /proc/thread-self.</summary>
    public static int CurrentThreadId()
    {
        // /proc/thread-self links to "<tgid>/task/<tid>".
        string? target = new DirectoryInfo("/proc/thread-self").LinkTarget;
        return target is not null && int.TryParse(System.IO.Path.GetFileName(target), out int tid)
            ? tid
            : throw new BpfException("Cannot read this thread's id from /proc/thread-self.");
    }

    /// <summary>Closes the pipe; a running <see cref="ReadAllAsync"/> ends.</summary>
    public void Dispose() => _file.Dispose();
}
