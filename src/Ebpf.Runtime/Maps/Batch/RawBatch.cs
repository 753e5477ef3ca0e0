using Ebpf.Native;

namespace Ebpf;

/// <summary>One round of BPF_MAP_LOOKUP(_AND_DELETE)_BATCH with a cursor, on byte spans the typed views made.</summary>
internal static class RawBatch
{
    /// <summary>Elements per round of the whole-map helpers: big enough that no hash bucket overflows a round (ENOSPC).</summary>
    public static int Chunk(BpfMap map) => (int)Math.Clamp(map.MaxEntries, 64u, 4096u);

    public static int Lookup(BpfMapFd fd, Span<byte> keys, Span<byte> values, int count, ref BpfBatchCursor cursor, bool delete, BpfUpdateFlags flags)
    {
        if (cursor.Done || count == 0) return 0;
        var token = cursor.Token(BpfSyscall.BatchTokenSize(fd));
        ReadOnlySpan<byte> inBatch = cursor.Started ? token : default;
        var result = delete
            ? BpfSyscall.MapLookupAndDeleteBatch(fd, inBatch, token, keys, values, count, flags)
            : BpfSyscall.MapLookupBatch(fd, inBatch, token, keys, values, count, flags);
        cursor.Started = true;
        if (result.Done) cursor.Done = true;
        return result.Count;
    }
}
