using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Ebpf;

/// <summary>
/// What the ring buffer and perf event readers share: waiting (Poll, WaitAsync), the typed stream
/// (ReadAllAsync) and the channel bridge. A reader has one consumer at a time (one thread calling Consume,
/// TryRead, Poll, or one ReadAllAsync loop or channel); <see cref="Dispose"/> may come from any thread.
/// <para>
/// Dispose during a wait: <see cref="Poll"/> and <see cref="WaitAsync"/> throw <see cref="ObjectDisposedException"/>;
/// <see cref="ReadAllAsync{TEvent}"/> ends (the loop leaves normally) and the channel of
/// <see cref="ReadToChannel{TEvent}"/> completes. Every descriptor and mapping is gone when Dispose returns.
/// </para>
/// </summary>
public abstract class BpfEventReader : IDisposable
{
    /// <summary>Events ReadAllAsync copies out of the rings per batch before it yields them one by one (at most).</summary>
    private const int BatchSize = 256;

    /// <summary>Bytes of a batch at most: a batch of large events is shorter.</summary>
    private const int BatchBytes = 16384;

    private protected BpfEventReader(string description)
    {
        Description = description;
        Waiter = new EventWaiter(description, HasData);
    }

    private protected EventWaiter Waiter { get; }

    /// <summary>"RingBufferReader for map 'events'": how errors name this reader.</summary>
    public string Description { get; }

    private protected bool IsDisposed => Waiter.IsDisposed;

    // The lock-free read protocol of TryRead and ReadAllAsync's in-place path, which take no reference on a mapping
    // per record (two interlocked operations cost more than reading the record): the consumer raises _inFastRead, then
    // checks _disposeStarted; Dispose raises _disposeStarted, issues a process-wide barrier (membarrier), then waits
    // for _inFastRead to fall before it unmaps. The barrier makes the consumer's store visible (or the consumer see
    // Dispose's), so no record is read from a ring that is being unmapped. No user code runs while _inFastRead is up.
    // A stream reads the records it holds in place in Current, under the protocol; before unmapping, Dispose copies
    // the held records out (Detach), and a Current that finds Dispose started reads that copy.
    private volatile bool _inFastRead;
    private volatile bool _disposeStarted;
    private volatile bool _detached;
    private int _disposeCalls;
    private byte[]? _detachedCopy;
    private unsafe byte* _detachedStart;

    /// <summary>Starts a read of ring memory without a mapping reference; false when the reader is being disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected bool EnterFastRead()
    {
        _inFastRead = true;
        if (!_disposeStarted) return true;
        _inFastRead = false;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void ExitFastRead() => _inFastRead = false;

    /// <summary>Calls <paramref name="handler"/> for every record available now, without waiting; returns how many.</summary>
    public abstract int Consume(RecordHandler handler);

    /// <summary>
    /// The next record without copying it, or false when none is available now. The span points into the ring;
    /// the reader moves past the record (letting the kernel reuse its space) on the next TryRead, Consume, Poll or
    /// WaitAsync, so it stays valid until then.
    /// </summary>
    public abstract bool TryRead(out ReadOnlySpan<byte> record);

    /// <summary>Moves past a record TryRead handed out, and says whether a record is available now.</summary>
    private protected abstract bool ReleaseAndCheck();

    /// <summary>Whether a ring holds unread bytes now (the wait thread asks while the consumer awaits).</summary>
    private protected abstract bool HasData();

    /// <summary>
    /// Consumes up to buffer.Length records, copying the first sizeof(TEvent) bytes of each into the buffer; the
    /// length of a record shorter than that comes back in ShortLength (it is consumed, not copied).
    /// </summary>
    private protected abstract void Drain<TEvent>(ref EventCopier<TEvent> copier, int max) where TEvent : unmanaged;

    /// <summary>
    /// Consumes what is available; when nothing is, waits up to <paramref name="timeout"/> for records and consumes
    /// them. Returns the number of records handled, 0 when the timeout passed. ObjectDisposedException when the reader
    /// is disposed during the wait.
    /// </summary>
    public int Poll(RecordHandler handler, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int n = Consume(handler);
        if (n > 0) return n;
        long start = Environment.TickCount64;
        while (true)
        {
            TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - start);
            if (left != Timeout.InfiniteTimeSpan && left < TimeSpan.Zero) left = TimeSpan.Zero;
            bool ready = Waiter.Wait(left);
            n = Consume(handler);
            // A wake-up can bring only discarded records (or a record still being written): wait again in the time left.
            if (n > 0 || (!ready && left != Timeout.InfiniteTimeSpan) || left == TimeSpan.Zero) return n;
        }
    }

    /// <summary>
    /// Completes when a record is available: at once when one is there already. ObjectDisposedException when the
    /// reader is disposed before or during the wait; OperationCanceledException on cancellation.
    /// </summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        if (IsDisposed) throw new ObjectDisposedException(Description);
        if (ReleaseAndCheck()) return default;
        return new ValueTask(WaitCoreAsync(cancellationToken));
    }

    private async Task WaitCoreAsync(CancellationToken cancellationToken)
    {
        if (!await Waiter.WaitAsync(cancellationToken).ConfigureAwait(false))
            throw new ObjectDisposedException(Description);
    }

    /// <summary>
    /// The records as a stream of <typeparamref name="TEvent"/> (each record's first sizeof(TEvent) bytes; a shorter
    /// record throws a <see cref="BpfException"/> naming the map and both sizes). Records already in the ring are
    /// handed out without awaiting (MoveNextAsync completes synchronously): on a ring buffer reader with one ring they
    /// are read where they lie, a run of up to 16 (of any lengths) at a time that the kernel reuses once the stream moves past it;
    /// otherwise they are copied out in batches. The stream awaits only when the rings are empty. A stream that stops
    /// (or is cancelled) inside a run leaves the records it did not hand out in the ring. Ends when the reader is disposed (at once when
    /// it already is; a Dispose while the stream holds records in place unmaps the ring anyway, and the stream hands
    /// out the held records from a copy before it ends); OperationCanceledException on cancellation.
    /// </summary>
    public IAsyncEnumerable<TEvent> ReadAllAsync<TEvent>(CancellationToken cancellationToken = default) where TEvent : unmanaged =>
        new EventStream<TEvent>(this, cancellationToken); // no disposed check here: a stream racing Dispose just ends

    private sealed class EventStream<TEvent>(BpfEventReader reader, CancellationToken token) : IAsyncEnumerable<TEvent> where TEvent : unmanaged
    {
        public IAsyncEnumerator<TEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            new EventEnumerator<TEvent>(reader, token, cancellationToken);
    }

    /// <summary>
    /// Written by hand rather than as an async iterator: a compiler-generated MoveNextAsync costs a state machine
    /// step per item, this one returns a completed ValueTask while records are there. On a ring buffer reader with one
    /// ring the records are read where they lie: the reader holds a short run of records (the kernel does not reuse
    /// their space until the stream moves past them), MoveNextAsync steps a pointer through it by each record's ring
    /// space (a table the run fills, so records of different lengths share a run; a batch's table holds one size) and
    /// Current reads the record under the read protocol, so nothing is copied twice and the ring is read once per
    /// run only. Otherwise, and for what a run cannot take (busy or short records), records are copied out in batches
    /// into a pinned buffer that Current reads the same way.
    /// </summary>
    private sealed class EventEnumerator<TEvent> : IAsyncEnumerator<TEvent> where TEvent : unmanaged
    {
        private readonly BpfEventReader _reader;
        private readonly RingBufferReader? _ring;
        private readonly TEvent[] _buffer;
        private readonly unsafe byte* _bufferStart, _bufferEnd;
        private readonly CancellationTokenSource? _linked;
        private readonly CancellationToken _token;
        private unsafe byte* _current; // the current record's TEvent: in the ring (a run) or in _buffer (a batch)
        // Bytes from the current record to the next: one stride for a batch or a run of one length, which
        // MoveNextAsync steps by. A run of several lengths has its strides in _strides (pinned,
        // RingBufferReader.RunLength entries) and MoveNextAsync steps it in a second branch: _stride is 0, _left 1,
        // _tableLeft the records behind the current one, and the current record's stride is _strideLast[-_tableLeft]
        // (_strideLast points at the run's last record's). Reading the table for every run measured slower on runs of
        // one length (0.75x libbpf instead of 0.85x); stepping runs of several lengths in TryNext, slower on those.
        private nint _stride;
        private readonly nint[] _strides;
        private readonly unsafe nint* _runStrides;
        private unsafe nint* _strideLast;
        private int _tableLeft;
        private int _left; // records of the run or batch from the current one on
        private bool _inRun;
        private BpfException? _afterBatch; // a short record found behind good ones: thrown once they are out
        private bool _ended;

        public unsafe EventEnumerator(BpfEventReader reader, CancellationToken first, CancellationToken second)
        {
            _reader = reader;
            _ring = reader as RingBufferReader;
            // Pinned, so Current reads a batch item through a pointer as it reads a record in the ring.
            _buffer = GC.AllocateUninitializedArray<TEvent>(Math.Clamp(BatchBytes / sizeof(TEvent), 1, BatchSize), pinned: true);
            _bufferStart = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            _bufferEnd = _bufferStart + (nint)_buffer.Length * sizeof(TEvent);
            _current = _bufferStart;
            _strides = GC.AllocateUninitializedArray<nint>(RingBufferReader.RunLength, pinned: true);
            _runStrides = (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_strides));
            _strideLast = _runStrides;
            if (first.CanBeCanceled && second.CanBeCanceled && first != second)
            {
                _linked = CancellationTokenSource.CreateLinkedTokenSource(first, second);
                _token = _linked.Token;
            }
            else _token = first.CanBeCanceled ? first : second;
        }

        public unsafe TEvent Current
        {
            get
            {
                var reader = _reader;
                reader._inFastRead = true;
                if (!reader._disposeStarted)
                {
                    var value = Unsafe.ReadUnaligned<TEvent>(_current);
                    reader._inFastRead = false;
                    return value;
                }
                reader._inFastRead = false;
                return CurrentAfterDispose();
            }
        }

        /// <summary>Current once Dispose started: a batch item as it is, a ring record from the copy Dispose made.</summary>
        private unsafe TEvent CurrentAfterDispose()
        {
            byte* p = _current;
            if (p >= _bufferStart && p < _bufferEnd) return Unsafe.ReadUnaligned<TEvent>(p);
            var reader = _reader;
            var spin = new SpinWait();
            while (!reader._detached) spin.SpinOnce(); // Dispose is copying the held records out (it waits for nobody)
            var copy = reader._detachedCopy;
            long offset = p - reader._detachedStart;
            return copy is not null && offset >= 0 && offset + sizeof(TEvent) <= copy.Length
                ? Unsafe.ReadUnaligned<TEvent>(ref copy[(int)offset])
                : default;
        }

        public unsafe ValueTask<bool> MoveNextAsync()
        {
            if (--_left > 0 && !_token.IsCancellationRequested)
            {
                _current += _stride;
                return new ValueTask<bool>(true);
            }
            if (_tableLeft > 0 && !_token.IsCancellationRequested)
            {
                // The next record of a run of several lengths: no ring access.
                _current += _strideLast[-_tableLeft];
                _tableLeft--;
                _left = 1;
                return new ValueTask<bool>(true);
            }
            if (TryNext()) return new ValueTask<bool>(true);
            return _ended ? new ValueTask<bool>(false) : new ValueTask<bool>(WaitAndFillAsync());
        }

        /// <summary>The current record's stride (its ring space, in a run).</summary>
        private unsafe nint StrideOfCurrent() => _stride != 0 ? _stride : _strideLast[-_tableLeft];

        /// <summary>The next run or batch; false when the rings hold nothing to hand out now, or the stream ended.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as RingBufferReader.TryStartRun, which it calls
        private unsafe bool TryNext()
        {
            // Cancelled inside a run: the records not handed out stay in the ring. (Records of a run of several lengths
            // still behind the current one bring MoveNextAsync here on cancellation only.)
            if (_tableLeft > 0) _left = 1;
            if (_inRun && _left > 0) _ring!.EndRun(_current, StrideOfCurrent());
            _inRun = false;
            _left = 0;
            _tableLeft = 0;
            if (_ring is { } ring && _afterBatch is null && !_ended && !_token.IsCancellationRequested &&
                ring.TryStartRun<TEvent>(out var first, out var stride, _runStrides, out int count))
            {
                _current = first;
                _stride = stride;
                _strideLast = _runStrides + (count - 1);
                _left = stride != 0 ? count : 1;
                _tableLeft = stride != 0 ? 0 : count - 1;
                _inRun = true;
                return true;
            }
            return TryFill();
        }

        /// <summary>Copies the next batch out of the rings; false when they are empty or the reader is disposed (then _ended).</summary>
        private unsafe bool TryFill()
        {
            if (_afterBatch is { } pending)
            {
                _afterBatch = null;
                throw pending;
            }
            _token.ThrowIfCancellationRequested();
            if (_ended || _reader.IsDisposed)
            {
                _ended = true;
                return false;
            }
            var copier = new EventCopier<TEvent>(_buffer);
            try
            {
                _reader.Drain(ref copier, _buffer.Length);
            }
            catch (ObjectDisposedException) when (_reader.IsDisposed)
            {
                _ended = true;
                return false;
            }
            if (copier.ShortLength >= 0)
            {
                var error = _reader.ShortRecord<TEvent>(copier.ShortLength, copier.ShortSource);
                if (copier.Count == 0) throw error;
                _afterBatch = error;
            }
            if (copier.Count == 0) return false;
            _current = _bufferStart;
            _stride = sizeof(TEvent);
            _left = copier.Count;
            return true;
        }

        private async Task<bool> WaitAndFillAsync()
        {
            while (true)
            {
                bool ready;
                try
                {
                    // A record can be there without a wake-up (one still being written, or written since the check).
                    ready = _reader.ReleaseAndCheck() || await _reader.Waiter.WaitAsync(_token).ConfigureAwait(false);
                }
                catch (ObjectDisposedException) when (_reader.IsDisposed)
                {
                    ready = false;
                }
                if (!ready)
                {
                    _ended = true;
                    return false;
                }
                if (TryNext()) return true;
                if (_ended) return false;
            }
        }

        public unsafe ValueTask DisposeAsync()
        {
            // A stream that stops inside a run consumes what it handed out, no more.
            if (_inRun) _ring!.EndRun(_current, StrideOfCurrent());
            _inRun = false;
            _left = 0;
            _tableLeft = 0;
            _ended = true;
            _linked?.Dispose();
            return default;
        }
    }

    /// <summary>
    /// Reads the records as <typeparamref name="TEvent"/> on a background task into a bounded channel, for
    /// consumers on other threads. When the channel is full the task waits (the ring then fills and the kernel
    /// drops records, as it would with a slow consumer). The channel completes when the reader is disposed (at once
    /// when it already is) or
    /// <paramref name="cancellationToken"/> fires, and completes with the exception when reading fails (a record
    /// shorter than TEvent). The reader belongs to the channel's task while it runs.
    /// </summary>
    public ChannelReader<TEvent> ReadToChannel<TEvent>(int capacity = 4096, CancellationToken cancellationToken = default) where TEvent : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var channel = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _ = Task.Run(() => PumpAsync(channel.Writer, cancellationToken), CancellationToken.None);
        return channel.Reader;
    }

    private async Task PumpAsync<TEvent>(ChannelWriter<TEvent> writer, CancellationToken cancellationToken) where TEvent : unmanaged
    {
        try
        {
            await foreach (var item in ReadAllAsync<TEvent>(cancellationToken).ConfigureAwait(false))
                if (!writer.TryWrite(item))
                    await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    /// <summary>Names where a record came from in messages: "map 'events'", "map 'events' (CPU 1)".</summary>
    private protected abstract string SourceName(int source);

    /// <summary>The exception for a record shorter than TEvent.</summary>
    private protected BpfException ShortRecord<TEvent>(int length, int source) where TEvent : unmanaged =>
        new($"{GetType().Name} for {SourceName(source)}: a record of {length} bytes is shorter than {MapChecks.TypeName(typeof(TEvent))} ({Unsafe.SizeOf<TEvent>()} bytes). " +
            "Read a type no larger than the smallest record the program writes, or use Consume/TryRead for records of varying size.");

    /// <summary>Stops waits (they end as documented above), then removes every descriptor and mapping of the reader.</summary>
    public void Dispose()
    {
        bool first = Interlocked.Exchange(ref _disposeCalls, 1) == 0;
        _disposeStarted = true;
        // The waiter is stopped after the copy: a stream's Current that found Dispose started waits for the copy only.
        Interlocked.MemoryBarrierProcessWide();
        var spin = new SpinWait();
        while (_inFastRead) spin.SpinOnce(sleep1Threshold: -1);
        if (first)
        {
            try
            {
                Detach();
            }
            finally
            {
                _detached = true;
            }
        }
        else
        {
            while (!_detached) spin.SpinOnce(sleep1Threshold: -1); // the first Dispose is copying from the rings
        }
        Waiter.Dispose();
        Close();
    }

    /// <summary>
    /// Copies the records a stream holds in place out of the rings (with <see cref="DetachRegion"/>), so its Current
    /// reads them on once the rings are unmapped; called by the first Dispose, after the read protocol's wait.
    /// </summary>
    private protected virtual void Detach()
    {
    }

    /// <summary>Keeps a copy of ring bytes a stream may still read: <paramref name="length"/> bytes from <paramref name="start"/>.</summary>
    private protected unsafe void DetachRegion(byte* start, int length)
    {
        _detachedCopy = new ReadOnlySpan<byte>(start, length).ToArray();
        _detachedStart = start;
    }

    /// <summary>Releases the rings; called after the waiter is stopped.</summary>
    private protected abstract void Close();

    /// <summary>The reader's <see cref="Description"/>.</summary>
    public override string ToString() => Description;
}
