using System.Runtime.CompilerServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Reads a BPF_MAP_TYPE_PERF_EVENT_ARRAY map (<c>bpf.Maps["events"].AsPerfEventArray()</c>): one BPF output perf
/// event per online CPU (offline CPUs are skipped, as libbpf does), each with its own ring, stored in the map at the
/// CPU's index. Records are handed out where the kernel wrote them, except one that wraps a ring's end, which is
/// copied into a reusable buffer first (perf rings are not double-mapped). The kernel pads each sample so that it
/// ends on 8 bytes: a record can be up to 7 bytes longer than the program's output.
/// <para>
/// When a ring is full the kernel drops records and later writes a PERF_RECORD_LOST with their number: the reader
/// adds it to <see cref="LostRecords"/> and raises <see cref="RecordsLost"/>. Same reading paths as
/// <see cref="RingBufferReader"/>; records of one CPU come in order, CPUs one after the other.
/// </para>
/// </summary>
public sealed unsafe class PerfEventReader : BpfEventReader
{
    private readonly BpfMap _map;
    private readonly List<PerfCpuRing> _ringList = [];
    private PerfCpuRing[] _rings = [];
    private byte[] _wrapBuffer = [];
    private long _lost, _shortSamples;

    private int _heldRing = -1;
    private ulong _heldEnd;
    private int _nextRing;

    internal PerfEventReader(BpfMap map, PerfEventReaderOptions options) : base($"PerfEventReader for map '{map.Name}'")
    {
        _map = map;
        try
        {
            Open(options);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Open(PerfEventReaderOptions options)
    {
        int page = Environment.SystemPageSize;
        if (options.PagesPerCpu <= 0 || (options.PagesPerCpu & (options.PagesPerCpu - 1)) != 0)
            throw new BpfException($"{Description}: PagesPerCpu is {options.PagesPerCpu}; it must be a power of 2 (1, 2, 4, 8, ...).");
        if (options.WakeupWatermark >= (long)options.PagesPerCpu * page)
            throw new BpfException($"{Description}: WakeupWatermark of {options.WakeupWatermark} bytes is not below the ring's {options.PagesPerCpu * page} bytes, so no wake-up would ever come; lower it or raise PagesPerCpu.");
        int possible = PossibleCpus.Count;
        if (_map.MaxEntries < possible)
            throw new BpfException($"{Description}: the map has max_entries {_map.MaxEntries}, but this machine has {possible} possible CPUs, each needing a slot. " +
                "Declare the map with max_entries 0 (the loader then sets the CPU count) or at least the CPU count.");
        foreach (int cpu in CpuList.Online())
        {
            if (cpu >= possible) continue;
            var perfEvent = PerfEventFd.OpenBpfOutput(cpu, options.WakeupEvents, options.WakeupWatermark, $"map '{_map.Name}'");
            PerfRingMapping mapping;
            try
            {
                mapping = PerfRingMapping.Create(perfEvent, options.PagesPerCpu, $"map '{_map.Name}'");
            }
            catch
            {
                perfEvent.Dispose();
                throw;
            }
            var ring = new PerfCpuRing(perfEvent, mapping);
            _ringList.Add(ring); // from here Close() releases it
            uint key = (uint)cpu, value = (uint)perfEvent.Fd;
            _map.Update(new ReadOnlySpan<byte>(&key, 4), new ReadOnlySpan<byte>(&value, 4));
            Waiter.Add(perfEvent, (ulong)cpu, $"the perf event of CPU {cpu} for map '{_map.Name}'");
        }
        _rings = [.. _ringList];
    }

    /// <summary>The map whose perf events this reader reads.</summary>
    public BpfMap Map => _map;

    /// <summary>The CPUs with a perf event (the online ones when the reader was made).</summary>
    public IReadOnlyList<int> Cpus => _rings.Select(r => r.Cpu).ToArray();

    /// <summary>Records the kernel dropped because a ring was full, from the PERF_RECORD_LOST records read so far.</summary>
    public ulong LostRecords => (ulong)Interlocked.Read(ref _lost);

    /// <summary>Sample records too short to hold the size they claim (never handed out).</summary>
    public long ShortSamples => Interlocked.Read(ref _shortSamples);

    /// <summary>Raised, on the consuming thread, for each PERF_RECORD_LOST read: the CPU and how many records it lost.</summary>
    public event EventHandler<PerfRecordsLostEventArgs>? RecordsLost;

    /// <inheritdoc/>
    public override int Consume(RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Consume(ref adapter);
    }

    /// <summary>Calls <paramref name="handler"/> for every record available now on every CPU, without waiting; returns how many.</summary>
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
            copier.Source = rings[i].Cpu;
            using var use = new MappingUse(rings[i].Mapping);
            ConsumeRing(rings[i], ref copier, max - copier.Count);
        }
    }

    private int ConsumeRing<THandler>(PerfCpuRing ring, ref THandler handler, int max) where THandler : struct, IRecordHandler
    {
        ulong head = Volatile.Read(ref *ring.HeadPosition); // acquire: records up to head are complete
        ulong tail = ring.Tail;
        if (tail >= head) return 0;
        byte* data = ring.Data;
        ulong mask = ring.Mask;
        int count = 0;
        while (tail < head && count < max)
        {
            // The common case through pointers: a sample that does not wrap the ring's end, with sound sizes.
            ulong offset = tail & mask;
            byte* record = data + offset;
            uint size = *(ushort*)(record + 6);
            if (*(uint*)record == PerfCpuRing.RecordSample && size >= PerfCpuRing.SampleHeaderSize && size <= head - tail && offset + size <= mask + 1)
            {
                uint raw = *(uint*)(record + PerfCpuRing.HeaderSize);
                if (raw <= size - PerfCpuRing.SampleHeaderSize)
                {
                    handler.OnRecord(new ReadOnlySpan<byte>(record + PerfCpuRing.SampleHeaderSize, (int)raw));
                    count++;
                    // Past the record only once the handler returned: a handler's exception leaves it unread.
                    tail += size;
                    ring.Tail = tail;
                    continue;
                }
            }
            count += ConsumeOther(ring, tail, head, ref handler);
            tail = ring.Tail;
        }
        // data_tail once per pass, as libbpf does (release: the kernel may reuse the space now). After a handler's
        // exception the record is still there, so the next pass reaches this line.
        Volatile.Write(ref *ring.TailPosition, tail);
        return count;
    }

    /// <summary>A record the loop above leaves: wrapping, lost, malformed or of another type. Moves ring.Tail past it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ConsumeOther<THandler>(PerfCpuRing ring, ulong tail, ulong head, ref THandler handler) where THandler : struct, IRecordHandler
    {
        bool isSample = Next(ring, tail, head, out ulong end, out var sample);
        if (isSample) handler.OnRecord(sample);
        ring.Tail = end;
        return isSample ? 1 : 0;
    }

    /// <summary>
    /// The common case, read through pointers: a sample that does not wrap the ring's end and whose sizes are sound.
    /// False for anything else (<see cref="Next(PerfCpuRing, ulong, ulong, out ulong, out ReadOnlySpan{byte})"/> decides then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TrySample(PerfCpuRing ring, ulong tail, ulong head, out ulong end, out ReadOnlySpan<byte> sample)
    {
        ulong offset = tail & ring.Mask;
        byte* record = ring.Data + offset;
        uint size = *(ushort*)(record + 6);
        if (*(uint*)record == PerfCpuRing.RecordSample && size >= PerfCpuRing.SampleHeaderSize && size <= head - tail && offset + size <= ring.Mask + 1)
        {
            uint raw = *(uint*)(record + PerfCpuRing.HeaderSize);
            if (raw <= size - PerfCpuRing.SampleHeaderSize)
            {
                end = tail + size;
                sample = new ReadOnlySpan<byte>(record + PerfCpuRing.SampleHeaderSize, (int)raw);
                return true;
            }
        }
        end = 0;
        sample = default;
        return false;
    }

    /// <summary>
    /// Reads the record at <paramref name="tail"/>: true with <paramref name="sample"/> for a sample; counts lost
    /// records (raising <see cref="RecordsLost"/> unless <c>lost</c> is asked for) and malformed samples
    /// (false). <paramref name="end"/> is the position after the record.
    /// </summary>
    private bool Next(PerfCpuRing ring, ulong tail, ulong head, out ulong end, out ReadOnlySpan<byte> sample) =>
        Next(ring, tail, head, out end, out sample, out _, raise: true);

    private bool Next(PerfCpuRing ring, ulong tail, ulong head, out ulong end, out ReadOnlySpan<byte> sample, out ulong lost, bool raise)
    {
        sample = default;
        lost = 0;
        ulong offset = tail & ring.Mask;
        byte* record = ring.Data + offset;
        uint type = *(uint*)record;
        int size = *(ushort*)(record + 6);
        if (size < PerfCpuRing.HeaderSize || (ulong)size > head - tail)
        {
            // Not a record the kernel writes: give up on what is in this ring rather than read garbage.
            Interlocked.Increment(ref _shortSamples);
            end = head;
            return false;
        }
        end = tail + (ulong)size;
        if (type != PerfCpuRing.RecordSample && type != PerfCpuRing.RecordLost) return false;
        ReadOnlySpan<byte> body;
        ulong ringSize = ring.Mask + 1;
        if (offset + (ulong)size <= ringSize)
        {
            body = new ReadOnlySpan<byte>(record, size);
        }
        else
        {
            if (_wrapBuffer.Length < size) _wrapBuffer = new byte[Math.Max(size, 256)];
            int first = (int)(ringSize - offset);
            new ReadOnlySpan<byte>(record, first).CopyTo(_wrapBuffer);
            new ReadOnlySpan<byte>(ring.Data, size - first).CopyTo(_wrapBuffer.AsSpan(first));
            body = _wrapBuffer.AsSpan(0, size);
        }
        if (type == PerfCpuRing.RecordSample)
        {
            // PERF_SAMPLE_RAW: u32 size, then the bytes (the program's output and the kernel's padding).
            uint raw = body.Length >= 12 ? Unsafe.ReadUnaligned<uint>(ref Unsafe.AsRef(in body[8])) : uint.MaxValue;
            if (raw <= (uint)(body.Length - 12))
            {
                sample = body.Slice(12, (int)raw);
                return true;
            }
            Interlocked.Increment(ref _shortSamples);
        }
        else if (body.Length >= 24)
        {
            // PERF_RECORD_LOST: u64 id, u64 lost.
            lost = Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in body[16]));
            Interlocked.Add(ref _lost, (long)lost);
            if (raise) RaiseLost(ring.Cpu, lost);
        }
        return false;
    }

    private void RaiseLost(int cpu, ulong lost) => RecordsLost?.Invoke(this, new PerfRecordsLostEventArgs(cpu, lost));

    /// <remarks>
    /// Takes no mapping reference per record: the lock-free read protocol of <see cref="BpfEventReader"/> keeps
    /// Dispose from unmapping a ring while a TryRead runs (RecordsLost handlers run outside it).
    /// </remarks>
    public override bool TryRead(out ReadOnlySpan<byte> record)
    {
        if (!EnterFastRead()) throw new ObjectDisposedException(Description);
        var rings = _rings;
        int held = _heldRing;
        if (held >= 0)
        {
            // Publish the tail past the record handed out last (release): the kernel may reuse its space now.
            var ring = rings[held];
            ring.Tail = _heldEnd;
            Volatile.Write(ref *ring.TailPosition, _heldEnd);
            _heldRing = -1;
        }
        // Start at the ring that gave the last record: one CPU's records are read in a run, then the next CPU's.
        int i = _nextRing;
        for (int k = 0; k < rings.Length; k++, i++)
        {
            if (i >= rings.Length) i = 0;
            var ring = rings[i];
            ulong tail = ring.Tail;
            while (true)
            {
                if (tail >= ring.Limit)
                {
                    ulong head = Volatile.Read(ref *ring.HeadPosition); // acquire: records up to head are complete
                    if (tail >= head) break;
                    ring.Limit = head;
                }
                if (TrySample(ring, tail, ring.Limit, out ulong end, out record) ||
                    Next(ring, tail, ring.Limit, out end, out record, out ulong lost, raise: false))
                {
                    _heldRing = i;
                    _heldEnd = end;
                    _nextRing = i;
                    ExitFastRead();
                    return true;
                }
                tail = end;
                ring.Tail = end;
                Volatile.Write(ref *ring.TailPosition, end);
                if (lost != 0)
                {
                    // The handlers are user code: they run outside the fast read (and may dispose the reader).
                    ExitFastRead();
                    RaiseLost(ring.Cpu, lost);
                    if (!EnterFastRead()) throw new ObjectDisposedException(Description);
                }
            }
        }
        ExitFastRead();
        record = default;
        return false;
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
            if (ring.HasData) return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseHeld()
    {
        int held = _heldRing;
        if (held < 0) return;
        _heldRing = -1;
        var ring = _rings[held];
        using var use = new MappingUse(ring.Mapping);
        ring.Tail = _heldEnd;
        Volatile.Write(ref *ring.TailPosition, _heldEnd);
    }

    private protected override string SourceName(int source) => $"map '{_map.Name}' (CPU {source})";

    private protected override void Close()
    {
        foreach (var ring in _ringList)
        {
            // The map holds its own reference on each perf event: take them out, as libbpf does, or they outlive the reader.
            uint key = (uint)ring.Cpu;
            try
            {
                if (!_map.Fd.IsClosed) _map.Delete(new ReadOnlySpan<byte>(&key, 4));
            }
            catch (BpfException)
            {
                // The map may be gone or frozen; the kernel drops the entries with it.
            }
            catch (ObjectDisposedException)
            {
            }
            ring.Mapping.Dispose();
            ring.PerfEvent.Dispose();
        }
    }
}
