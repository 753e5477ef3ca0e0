using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>
/// The record handler of ReadAllAsync: copies each record's first sizeof(TEvent) bytes into the batch. A shorter
/// record is never read as TEvent: its length is kept so the caller can throw once the good records are out.
/// </summary>
internal struct EventCopier<TEvent>(TEvent[] buffer) : IRecordHandler where TEvent : unmanaged
{
    public int Count;

    /// <summary>The length of the first record shorter than TEvent, or -1.</summary>
    public int ShortLength = -1;

    /// <summary>Which ring (or CPU) the reader is draining now, and the one the short record came from.</summary>
    public int Source, ShortSource;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnRecord(ReadOnlySpan<byte> record)
    {
        if (record.Length < Unsafe.SizeOf<TEvent>())
        {
            if (ShortLength < 0) { ShortLength = record.Length; ShortSource = Source; }
            return;
        }
        buffer[Count++] = Unsafe.ReadUnaligned<TEvent>(ref MemoryMarshal.GetReference(record));
    }
}

/// <summary>Adapts a <see cref="RecordHandler"/> delegate to the struct path, so both share one consume loop.</summary>
internal readonly struct DelegateHandler(RecordHandler handler) : IRecordHandler
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnRecord(ReadOnlySpan<byte> record) => handler(record);
}
