using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>What <see cref="RingBuffer.Query"/> asks (BPF_RB_*).</summary>
public enum RingBufferQuery : ulong
{
    AvailableData = 0,
    RingSize = 1,
    ConsumerPosition = 2,
    ProducerPosition = 3,
}

/// <summary>
/// A ring buffer shared with user space (BPF_MAP_TYPE_RINGBUF), <c>maxEntries</c> bytes: a power of 2 and a multiple
/// of the page size. Each record takes an 8-byte header plus its size rounded up to 8; a record that does not fit is refused.
/// Managed, records wait in the buffer until a test reads them with <see cref="TryRead"/> or <see cref="Drain"/>. As in the
/// kernel, the producer position advances when a record is reserved; a discarded record keeps its space until the consumer
/// passes it, and the consumer stops at a record still reserved.
/// </summary>
[MapKind(MapType.RingBuf)]
public sealed class RingBuffer : KernelMap
{
    private const int HeaderSize = 8;
    private enum State { Reserved, Ready, Discarded }

    private sealed class Record(byte[] bytes, State state)
    {
        public byte[] Bytes { get; } = bytes;
        public State State { get; set; } = state;
    }

    private readonly Queue<Record> _records = new();   // in producer order, as in the ring
    private long _used, _produced, _consumed;

    public RingBuffer(int maxEntries) : base(maxEntries, MapFlags.None)
    {
        if (maxEntries < 4096 || (maxEntries & (maxEntries - 1)) != 0)
            throw new ArgumentException($"A RingBuffer's size ({maxEntries}) must be a power of 2 and at least one page (4096).", nameof(maxEntries));
    }

    public override MapType Type => MapType.RingBuf;
    public override int KeySize => 0;
    public override int ValueSize => 0;

    private static long Footprint(int size) => HeaderSize + ((size + 7) & ~7L);

    /// <summary>Copies <paramref name="data"/> into a new record: bpf_ringbuf_output. 0, or -EAGAIN when full.</summary>
    [Helper(130, "ringbuf_output")]
    public int Output<T>(in T data, ulong flags = 0) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in data)).ToArray();
        lock (_records)
        {
            if (_used + Footprint(bytes.Length) > MaxEntries - 1) return -Errno.EAGAIN; // the kernel keeps the producer at most size - 1 ahead
            Produce(new Record(bytes, State.Ready));
            return 0;
        }
    }

    /// <summary>
    /// Reserves a record of <c>sizeof(T)</c> bytes to fill in place: bpf_ringbuf_reserve. A null reference when full (check with
    /// <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>); otherwise every path must <see cref="Submit{T}"/> or <see cref="Discard{T}"/> it.
    /// </summary>
    [Helper(131, "ringbuf_reserve")]
    public ref T Reserve<T>() where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        lock (_records)
        {
            if (_used + Footprint(size) > MaxEntries - 1) return ref Unsafe.NullRef<T>();
            var buffer = new byte[size];
            Produce(new Record(buffer, State.Reserved));
            return ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(buffer));
        }
    }

    /// <summary>Publishes a reserved record: bpf_ringbuf_submit.</summary>
    [Helper(132, "ringbuf_submit")]
    public void Submit<T>(ref T record, ulong flags = 0) where T : unmanaged => Release(ref record, submit: true);

    /// <summary>Gives a reserved record back unread: bpf_ringbuf_discard.</summary>
    [Helper(133, "ringbuf_discard")]
    public void Discard<T>(ref T record, ulong flags = 0) where T : unmanaged => Release(ref record, submit: false);

    /// <summary>State of the buffer: bpf_ringbuf_query.</summary>
    [Helper(134, "ringbuf_query")]
    public ulong Query(RingBufferQuery what)
    {
        lock (_records)
            return what switch
            {
                RingBufferQuery.AvailableData => (ulong)(_produced - _consumed),
                RingBufferQuery.RingSize => (ulong)MaxEntries,
                RingBufferQuery.ConsumerPosition => (ulong)_consumed,
                RingBufferQuery.ProducerPosition => (ulong)_produced,
                _ => 0,
            };
    }

    private void Produce(Record record)
    {
        _used += Footprint(record.Bytes.Length);
        _produced += Footprint(record.Bytes.Length);
        _records.Enqueue(record);
    }

    private void Release<T>(ref T record, bool submit) where T : unmanaged
    {
        ref byte first = ref Unsafe.As<T, byte>(ref record);
        lock (_records)
        {
            foreach (var r in _records)
                if (r.State == State.Reserved && Unsafe.AreSame(ref MemoryMarshal.GetArrayDataReference(r.Bytes), ref first))
                {
                    r.State = submit ? State.Ready : State.Discarded;
                    return;
                }
            throw new InvalidOperationException("Submit or Discard of a record this ring buffer did not reserve, or released twice; the verifier refuses such a program.");
        }
    }

    /// <summary>Takes the oldest submitted record (managed only: the user side's consumer).</summary>
    [ManagedOnly]
    public bool TryRead(out byte[] record)
    {
        lock (_records)
        {
            // The consumer passes discarded records (freeing their space) and stops at one still reserved.
            while (_records.TryPeek(out var head) && head.State != State.Reserved)
            {
                _records.Dequeue();
                _used -= Footprint(head.Bytes.Length);
                _consumed += Footprint(head.Bytes.Length);
                if (head.State == State.Ready)
                {
                    record = head.Bytes;
                    return true;
                }
            }
            record = null!;
            return false;
        }
    }

    /// <summary>Takes the oldest record as a <typeparamref name="T"/>; false when empty or of another size.</summary>
    [ManagedOnly]
    public bool TryRead<T>(out T value) where T : unmanaged
    {
        value = default;
        if (!TryRead(out var bytes)) return false;
        if (bytes.Length != Unsafe.SizeOf<T>()) return false;
        value = MemoryMarshal.Read<T>(bytes);
        return true;
    }

    /// <summary>Takes every submitted record, oldest first.</summary>
    [ManagedOnly]
    public IReadOnlyList<byte[]> Drain()
    {
        var all = new List<byte[]>();
        while (TryRead(out var r)) all.Add(r);
        return all;
    }

    [ManagedOnly]
    public override void Clear()
    {
        lock (_records)
        {
            _records.Clear();
            _used = _produced = _consumed = 0;
        }
    }
}
