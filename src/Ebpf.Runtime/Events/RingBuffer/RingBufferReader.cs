using System.Runtime.CompilerServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Reads BPF_MAP_TYPE_RINGBUF maps (<c>bpf.Maps["events"].AsRingBuffer()</c>), one or several (<see cref="Add"/>),
/// as libbpf's ring_buffer does: the rings are mapped into this process and records are read where the kernel wrote
/// them. Busy records (still being written) stop a ring's consumer until they are committed; discarded ones are
/// skipped. The consumer position is published (release) after each record, so the kernel can reuse its space
/// (ReadAllAsync publishes it after each run of up to 16 records, of any lengths, it reads in place).
/// <para>
/// Paths: <see cref="Consume{THandler}(ref THandler)"/> with a struct handler allocates nothing and can be inlined;
/// <see cref="Consume(RecordHandler)"/> takes a delegate; <see cref="BpfEventReader.TryRead"/> hands out one record
/// at a time without copying; <see cref="BpfEventReader.Poll"/>, <see cref="BpfEventReader.WaitAsync"/>,
/// <see cref="BpfEventReader.ReadAllAsync{TEvent}"/> and <see cref="BpfEventReader.ReadToChannel{TEvent}"/> wait.
/// A handler's exception leaves its record unconsumed: the next call delivers it again.
/// </para>
/// </summary>
public sealed unsafe class RingBufferReader : BpfEventReader
{
    private RingBufferRing[] _rings = [];
    private readonly List<BpfMap> _maps = [];

    // The record TryRead handed out last: its ring and the consumer position past it, published on the next call.
    private int _heldRing = -1;
    private ulong _heldEnd;
    private int _nextRing;

    internal RingBufferReader(BpfMap map) : base($"RingBufferReader for map '{map.Name}'")
    {
        try
        {
            Add(map);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The maps this reader reads, in the order they were added.</summary>
    public IReadOnlyList<BpfMap> Maps => _maps;

    /// <summary>Adds another ring buffer map (as libbpf's ring_buffer__add): Consume, Poll and the waits then cover it too.</summary>
    public void Add(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (IsDisposed) throw new ObjectDisposedException(Description);
        MapChecks.Kind(map, "AsRingBuffer", BpfMapType.Ringbuf);
        foreach (var m in _maps)
            if (ReferenceEquals(m, map)) throw new BpfException($"{Description}: map '{map.Name}' is already being read; add each ring once.");
        var mapping = RingBufferMapping.Create(map.Fd);
        try
        {
            Waiter.Add(map.Fd, (ulong)_rings.Length, $"ring buffer map '{map.Name}'");
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
        _rings = [.. _rings, new RingBufferRing(map, mapping)];
        _maps.Add(map);
    }

    /// <summary>Bytes waiting in the rings (records not yet consumed, including ones being written or discarded).</summary>
    public long AvailableBytes
    {
        get
        {
            long total = 0;
            foreach (var ring in _rings)
            {
                using var use = new MappingUse(ring.Mapping);
                total += ring.Available;
            }
            return total;
        }
    }

    /// <inheritdoc/>
    public override int Consume(RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Consume(ref adapter);
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every record available now, in each ring's order, without waiting;
    /// returns how many. The struct handler is called directly (no delegate, no allocation).
    /// </summary>
    public int Consume<THandler>(ref THandler handler) where THandler : struct, IRecordHandler
    {
        ReleaseHeld();
        int total = 0;
        foreach (var ring in _rings)
        {
            using var use = new MappingUse(ring.Mapping);
            total += ConsumeRing(ring, ref handler, int.MaxValue);
        }
        return total;
    }

    private protected override void Drain<TEvent>(ref EventCopier<TEvent> copier, int max)
    {
        ReleaseHeld();
        var rings = _rings;
        for (int i = 0; i < rings.Length && copier.Count < max; i++)
        {
            copier.Source = i;
            using var use = new MappingUse(rings[i].Mapping);
            ConsumeRing(rings[i], ref copier, max - copier.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ConsumeRing<THandler>(RingBufferRing ring, ref THandler handler, int max) where THandler : struct, IRecordHandler
    {
        byte* data = ring.Data;
        ulong mask = ring.Mask;
        ulong* consumerPosition = ring.ConsumerPosition;
        ulong* producerPosition = ring.ProducerPosition;
        ulong consumer = ring.Consumer;
        int count = 0;
        while (count < max)
        {
            // Acquire: the records up to the producer position are visible once the position is.
            ulong producer = Volatile.Read(ref *producerPosition);
            if (consumer >= producer) break;
            do
            {
                uint* header = (uint*)(data + (consumer & mask));
                uint length = Volatile.Read(ref *header); // acquire: the record's bytes are complete once BUSY is clear
                if ((length & RingBufferRing.BusyBit) != 0)
                {
                    ring.Consumer = consumer;
                    return count;
                }
                ulong next = consumer + RingBufferRing.Advance(length);
                if ((length & RingBufferRing.DiscardBit) == 0)
                {
                    // The data area is mapped twice, so a record that wraps the end is contiguous here.
                    handler.OnRecord(new ReadOnlySpan<byte>(header + 2, (int)(length & ~(RingBufferRing.BusyBit | RingBufferRing.DiscardBit))));
                    count++;
                }
                consumer = next;
                ring.Consumer = consumer;
                Volatile.Write(ref *consumerPosition, consumer); // release: the kernel may reuse the space now
            }
            while (consumer < producer && count < max);
        }
        return count;
    }

    /// <remarks>
    /// Takes no mapping reference per record: the lock-free read protocol of <see cref="BpfEventReader"/> keeps
    /// Dispose from unmapping the ring while a TryRead runs. One ring is read without the fairness rotation.
    /// </remarks>
    public override bool TryRead(out ReadOnlySpan<byte> record)
    {
        if (!EnterFastRead()) throw new ObjectDisposedException(Description);
        var rings = _rings;
        int held = _heldRing;
        if (held >= 0)
        {
            // Publish the consumer position past the record handed out last (release): the kernel may reuse it now.
            var ring = rings[held];
            ring.Consumer = _heldEnd;
            Volatile.Write(ref *ring.ConsumerPosition, _heldEnd);
            _heldRing = -1;
        }
        bool found = rings.Length == 1 ? TryReadRing(rings[0], 0, out record) : TryReadRings(rings, out record);
        ExitFastRead();
        return found;
    }

    private bool TryReadRings(RingBufferRing[] rings, out ReadOnlySpan<byte> record)
    {
        // Start at the ring that gave the last record, so one busy ring cannot starve the others.
        int i = _nextRing;
        for (int k = 0; k < rings.Length; k++)
        {
            if (i >= rings.Length) i = 0;
            if (TryReadRing(rings[i], i, out record))
            {
                _nextRing = i;
                return true;
            }
            i++;
        }
        record = default;
        return false;
    }

    /// <summary>The next record of one ring (skipping discarded ones), held until the next call; false when none is ready.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadRing(RingBufferRing ring, int index, out ReadOnlySpan<byte> record)
    {
        ulong consumer = ring.Consumer;
        while (true)
        {
            if (consumer >= ring.Limit)
            {
                // Acquire: the records up to the producer position are visible once the position is.
                ulong producer = Volatile.Read(ref *ring.ProducerPosition);
                if (consumer >= producer) break;
                ring.Limit = producer;
            }
            uint* header = (uint*)(ring.Data + (consumer & ring.Mask));
            uint length = Volatile.Read(ref *header); // acquire: the record's bytes are complete once BUSY is clear
            if ((length & RingBufferRing.BusyBit) != 0) break;
            ulong next = consumer + RingBufferRing.Advance(length);
            if ((length & RingBufferRing.DiscardBit) == 0)
            {
                record = new ReadOnlySpan<byte>(header + 2, (int)length);
                _heldRing = index;
                _heldEnd = next;
                return true;
            }
            consumer = next;
            ring.Consumer = next;
            Volatile.Write(ref *ring.ConsumerPosition, next);
        }
        record = default;
        return false;
    }

    /// <summary>
    /// Records a run holds at most: 16 measured a little faster than 8, 32 much slower (reading that many headers
    /// ahead in one go stalls the reads that follow).
    /// </summary>
    internal const int RunLength = 16;

    /// <summary>
    /// ReadAllAsync's in-place path on a single ring: publishes the consumer position past what was held (the
    /// previous run), skips discarded records, and holds a run of up to <see cref="RunLength"/> consecutive committed
    /// records, each holding a TEvent (their lengths may differ), for the stream to read where they lie. The run is
    /// released (the kernel may reuse it) on the next call, or by <see cref="EndRun"/>, or by any other reading call.
    /// False (nothing held) whenever the general path must decide: no record, a busy or short record, several rings,
    /// or Dispose under way.
    /// </summary>
    /// <param name="first">The first record's data in the ring.</param>
    /// <param name="stride">
    /// Bytes from one record's data to the next one's when the records of the run have one length (the common case:
    /// one event type); 0 when they differ, and then <paramref name="strides"/> holds each record's.
    /// </param>
    /// <param name="strides">
    /// <see cref="RunLength"/> entries: each record's ring space (bytes from its data to the next record's data),
    /// filled only when <paramref name="stride"/> is 0.
    /// </param>
    /// <param name="count">Records in the run.</param>
    // Fully optimized at once: called once per run, it would otherwise run unoptimized until tiering promotes it,
    // which on a busy machine took longer than a whole drain of the ring (measured: 0.16x libbpf instead of 0.9x).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool TryStartRun<TEvent>(out byte* first, out nint stride, nint* strides, out int count) where TEvent : unmanaged
    {
        var rings = _rings;
        if (rings.Length == 1 && EnterFastRead())
        {
            var ring = rings[0];
            ulong consumer = ring.Consumer;
            if (_heldRing >= 0)
            {
                consumer = _heldEnd;
                _heldRing = -1;
                ring.Consumer = consumer;
                Volatile.Write(ref *ring.ConsumerPosition, consumer); // release: the kernel may reuse the run now
            }
            while (consumer < ring.Limit || consumer < (ring.Limit = Volatile.Read(ref *ring.ProducerPosition)))
            {
                uint* header = (uint*)(ring.Data + (consumer & ring.Mask));
                uint length = Volatile.Read(ref *header); // acquire: the record's bytes are complete once BUSY is clear
                if ((length & (RingBufferRing.BusyBit | RingBufferRing.DiscardBit)) == RingBufferRing.DiscardBit)
                {
                    consumer += RingBufferRing.Advance(length);
                    ring.Consumer = consumer;
                    Volatile.Write(ref *ring.ConsumerPosition, consumer);
                    continue;
                }
                // BUSY and DISCARD are the top bits: a clear length below 2^30 that holds TEvent starts a run.
                if (length - (uint)sizeof(TEvent) >= RingBufferRing.DiscardBit - (uint)sizeof(TEvent)) break;
                ulong step = RingBufferRing.Advance(length), end = consumer + step;
                int n = 1;
                // Records behind it with the same header word (same length, committed) join the run: one stride.
                while (n < RunLength && end < ring.Limit && Volatile.Read(ref *(uint*)(ring.Data + (end & ring.Mask))) == length)
                {
                    end += step;
                    n++;
                }
                stride = (nint)step;
                if (n < RunLength && end < ring.Limit)
                {
                    // Another length follows: committed records that hold a TEvent join too, each with its stride.
                    uint next = Volatile.Read(ref *(uint*)(ring.Data + (end & ring.Mask)));
                    if (next - (uint)sizeof(TEvent) < RingBufferRing.DiscardBit - (uint)sizeof(TEvent))
                    {
                        for (int i = 0; i < n; i++) strides[i] = (nint)step;
                        stride = 0;
                        do
                        {
                            step = RingBufferRing.Advance(next);
                            strides[n++] = (nint)step;
                            end += step;
                        }
                        while (n < RunLength && end < ring.Limit &&
                               (next = Volatile.Read(ref *(uint*)(ring.Data + (end & ring.Mask)))) - (uint)sizeof(TEvent) < RingBufferRing.DiscardBit - (uint)sizeof(TEvent));
                    }
                }
                _heldRing = 0;
                _heldEnd = end;
                first = (byte*)(header + 2);
                count = n;
                ExitFastRead();
                return true;
            }
            ExitFastRead();
        }
        first = null;
        stride = 0;
        count = 0;
        return false;
    }

    /// <summary>
    /// Ends a run the stream stops in: publishes the consumer position past the records handed out (the last one's
    /// data at <paramref name="last"/>, <paramref name="stride"/> bytes of ring) and past discarded records right behind them,
    /// so a stream that stops after its last record leaves nothing in the ring, and one that stops early leaves the
    /// records it did not hand out. Nothing when the reader is being disposed or the run was released already.
    /// </summary>
    internal void EndRun(byte* last, nint stride)
    {
        var rings = _rings;
        if (rings.Length != 1 || !EnterFastRead()) return;
        var ring = rings[0];
        if (_heldRing == 0)
        {
            byte* start = ring.Data + (ring.Consumer & ring.Mask);
            long handed = last - RingBufferRing.HeaderSize + stride - start;
            if (handed > 0 && (ulong)handed <= _heldEnd - ring.Consumer)
            {
                ulong consumer = ring.Consumer + (ulong)handed;
                _heldRing = -1;
                while (consumer < ring.Limit)
                {
                    uint next = Volatile.Read(ref *(uint*)(ring.Data + (consumer & ring.Mask)));
                    if ((next & (RingBufferRing.BusyBit | RingBufferRing.DiscardBit)) != RingBufferRing.DiscardBit) break;
                    consumer += RingBufferRing.Advance(next);
                }
                ring.Consumer = consumer;
                Volatile.Write(ref *ring.ConsumerPosition, consumer);
            }
        }
        ExitFastRead();
    }

    /// <remarks>The held records (a TryRead record or a stream's run) are copied out, so a stream reads them on.</remarks>
    private protected override void Detach()
    {
        int held = _heldRing;
        if (held < 0 || held >= _rings.Length) return;
        var ring = _rings[held];
        ulong length = _heldEnd - ring.Consumer;
        if (length == 0 || length > ring.Mask + 1) return; // not a consistent hold: nothing a stream reads
        DetachRegion(ring.Data + (ring.Consumer & ring.Mask), (int)length); // the double mapping keeps it contiguous
    }

    private protected override bool ReleaseAndCheck()
    {
        ReleaseHeld();
        return HasData();
    }

    private protected override bool HasData()
    {
        foreach (var ring in _rings)
        {
            using var use = new MappingUse(ring.Mapping);
            if (ring.Available > 0) return true;
        }
        return false;
    }

    /// <summary>Publishes the consumer position past the record TryRead handed out last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseHeld()
    {
        int held = _heldRing;
        if (held < 0) return;
        _heldRing = -1;
        var ring = _rings[held];
        using var use = new MappingUse(ring.Mapping);
        ring.Consumer = _heldEnd;
        Volatile.Write(ref *ring.ConsumerPosition, _heldEnd);
    }

    private protected override string SourceName(int source) => $"map '{_maps[source].Name}'";

    private protected override void Close()
    {
        foreach (var ring in _rings) ring.Mapping.Dispose();
    }
}
