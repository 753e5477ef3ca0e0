using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// The waiting half of an event reader: one epoll set holding the rings' descriptors and an eventfd. Synchronous
/// waits call epoll_wait on the caller's thread; asynchronous waits are served by one dedicated thread (created on
/// the first one), because .NET has no public way to put a foreign descriptor in its own event loop and a blocked
/// epoll_wait must not hold a thread-pool thread. Cancellation and Dispose write the eventfd, which ends a blocked
/// epoll_wait at once.
/// </summary>
internal sealed class EventWaiter : IDisposable
{
    private const ulong WakeToken = ulong.MaxValue;

    private readonly EpollFd _epoll;
    private readonly EventFd _wake;
    private readonly string _owner;
    private readonly Func<bool> _hasData;
    private readonly object _gate = new(); // a Monitor: the wait thread sleeps on it between waits
    private TaskCompletionSource<bool>? _pending;
    private Thread? _thread;
    private volatile bool _disposed;

    /// <param name="owner">The reader the waiter serves, as error messages name it.</param>
    /// <param name="hasData">
    /// Whether a ring holds records now. A ready descriptor is checked with it before a wait ends, because readiness
    /// can be stale: a perf event stays readable from a wake-up whose records were read without waiting.
    /// </param>
    public EventWaiter(string owner, Func<bool> hasData)
    {
        _owner = owner;
        _hasData = hasData;
        _epoll = EpollFd.Create();
        try
        {
            _wake = EventFd.Create();
            _epoll.Add(_wake, WakeToken, EpollEvents.In, $"the wake-up eventfd of {owner}");
        }
        catch
        {
            _wake?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    public bool IsDisposed => _disposed;

    /// <summary>Adds a ring's descriptor; its readiness ends waits.</summary>
    public void Add(SafeHandle fd, ulong token, string what) => _epoll.Add(fd, token, EpollEvents.In, what);

    /// <summary>
    /// Blocks the calling thread until a ring is ready (true) or <paramref name="timeout"/> passes (false);
    /// ObjectDisposedException when the reader is disposed before or during the wait.
    /// </summary>
    public bool Wait(TimeSpan timeout)
    {
        long limit = timeout == Timeout.InfiniteTimeSpan ? -1 : (long)Math.Ceiling(timeout.TotalMilliseconds);
        if (limit < -1) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Pass a non-negative timeout or Timeout.InfiniteTimeSpan.");
        long start = Environment.TickCount64;
        Span<EpollEvent> events = stackalloc EpollEvent[8];
        // Hold the eventfd open while waiting: closed by a concurrent Dispose, it would leave the epoll set before
        // this thread collects its wake-up, and epoll_wait would sleep on.
        bool held = false;
        try
        {
            _wake.DangerousAddRef(ref held);
        }
        catch (ObjectDisposedException)
        {
            throw Disposed();
        }
        try
        {
            while (true)
            {
                if (_disposed) throw Disposed();
                int remaining = limit < 0 ? -1 : (int)Math.Clamp(limit - (Environment.TickCount64 - start), 0, int.MaxValue);
                int n;
                try
                {
                    n = _epoll.Wait(events, remaining);
                }
                catch (ObjectDisposedException)
                {
                    throw Disposed();
                }
                bool ready = false, woken = false;
                for (int i = 0; i < n; i++)
                {
                    if (events[i].Data == WakeToken) woken = true;
                    else ready = true;
                }
                if (_disposed) throw Disposed();
                if (woken) ResetWake(); // a stale wake-up of a cancelled asynchronous wait
                if (ready && _hasData()) return true;
                if (remaining == 0 || (n == 0 && limit >= 0 && Environment.TickCount64 - start >= limit)) return false;
            }
        }
        finally
        {
            if (held) _wake.DangerousRelease();
        }
    }

    private ObjectDisposedException Disposed() => new(_owner);

    private void ResetWake()
    {
        try
        {
            _wake.Reset();
        }
        catch (ObjectDisposedException)
        {
            throw Disposed();
        }
    }

    /// <summary>
    /// Completes with true when a ring is ready, with false when the waiter is disposed (before or during the wait),
    /// and as cancelled when <paramref name="cancellationToken"/> fires. One wait at a time.
    /// </summary>
    public Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<bool>(cancellationToken);
        // Continuations must not run on the wait thread: user code there would delay every later wake-up.
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_disposed) return Task.FromResult(false);
            if (_pending is not null)
                throw new BpfException($"{_owner}: a wait is already pending. A reader has one consumer at a time: await the previous WaitAsync (or end the ReadAllAsync loop or channel) first.");
            _pending = tcs;
            if (_thread is null)
            {
                _thread = new Thread(WaitLoop) { IsBackground = true, Name = "Ebpf event wait" };
                _thread.UnsafeStart();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var (waiter, source) = ((EventWaiter, TaskCompletionSource<bool>))state!;
                waiter.Cancel(source, token);
            }, (this, tcs));
            tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return tcs.Task;
    }

    private void Cancel(TaskCompletionSource<bool> source, CancellationToken token)
    {
        lock (_gate)
        {
            if (_pending == source) _pending = null;
        }
        source.TrySetCanceled(token);
        _wake.Signal(); // ends the wait thread's epoll_wait for the cancelled wait
    }

    private void WaitLoop()
    {
        Span<EpollEvent> events = stackalloc EpollEvent[8];
        while (true)
        {
            TaskCompletionSource<bool> source;
            lock (_gate)
            {
                while (_pending is null && !_disposed) Monitor.Wait(_gate);
                if (_disposed) break;
                source = _pending!;
            }
            int n;
            try
            {
                n = _epoll.Wait(events, -1);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (Exception e)
            {
                lock (_gate) if (_pending == source) _pending = null;
                source.TrySetException(e);
                continue;
            }
            bool ready = false, woken = false;
            for (int i = 0; i < n; i++)
            {
                if (events[i].Data == WakeToken) woken = true;
                else ready = true;
            }
            if (_disposed) break;
            if (woken)
            {
                try
                {
                    _wake.Reset();
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
            }
            if (ready)
            {
                try
                {
                    ready = _hasData();
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
            }
            TaskCompletionSource<bool>? completed = null;
            lock (_gate)
            {
                if (_disposed) break;
                if (ready && _pending == source)
                {
                    _pending = null;
                    completed = source;
                }
            }
            completed?.TrySetResult(true);
        }
        TaskCompletionSource<bool>? last;
        lock (_gate)
        {
            last = _pending;
            _pending = null;
        }
        last?.TrySetResult(false);
    }

    public void Dispose()
    {
        TaskCompletionSource<bool>? pending;
        Thread? thread;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            pending = _pending;
            _pending = null;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }
        _wake.Signal();
        pending?.TrySetResult(false);
        // The thread leaves epoll_wait at once; joining it makes the descriptors' close happen before Dispose returns.
        if (thread is not null && thread != Thread.CurrentThread) thread.Join(TimeSpan.FromSeconds(5));
        _epoll.Dispose();
        _wake.Dispose();
    }
}
