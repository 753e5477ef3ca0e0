namespace Ebpf;

/// <summary>
/// Receives one record of a ring buffer or perf event reader. The span points into the kernel's ring (or, for a
/// perf record that wraps the ring's end, into the reader's buffer) and is valid only during the call: copy what
/// you keep.
/// </summary>
public delegate void RecordHandler(ReadOnlySpan<byte> record);

/// <summary>
/// The allocation-free form of <see cref="RecordHandler"/>: a struct implementing it is passed by reference to
/// <c>Consume&lt;THandler&gt;(ref THandler)</c>, which the JIT specializes for it, so the call is direct and can be
/// inlined. State kept in the struct's fields is seen by the caller afterwards.
/// </summary>
public interface IRecordHandler
{
    /// <summary>Handles one record; <paramref name="record"/> is valid only during the call.</summary>
    void OnRecord(ReadOnlySpan<byte> record);
}
