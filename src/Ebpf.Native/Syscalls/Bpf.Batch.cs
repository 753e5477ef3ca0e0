using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// Bytes a batch token (in_batch / out_batch) needs for this map: hash maps write a 4-byte bucket index,
    /// array and other maps a key.
    /// </summary>
    public static int BatchTokenSize(BpfMapFd map) => Math.Max(4, map.KeySize);

    /// <summary>
    /// BPF_MAP_LOOKUP_BATCH: copies up to <paramref name="count"/> elements, starting at the map's start when
    /// <paramref name="inBatch"/> is empty, otherwise after the token a previous round wrote to its out batch.
    /// Pass <paramref name="outBatch"/> of this round as the next round's <paramref name="inBatch"/>.
    /// </summary>
    public static BatchResult MapLookupBatch(BpfMapFd map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, int count, BpfUpdateFlags elementFlags = BpfUpdateFlags.Any) =>
        LookupBatch(BpfCommand.MapLookupBatch, map, inBatch, outBatch, keys, values, count, elementFlags);

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH: as <see cref="MapLookupBatch"/>, removing what it returns.</summary>
    public static BatchResult MapLookupAndDeleteBatch(BpfMapFd map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, int count, BpfUpdateFlags elementFlags = BpfUpdateFlags.Any) =>
        LookupBatch(BpfCommand.MapLookupAndDeleteBatch, map, inBatch, outBatch, keys, values, count, elementFlags);

    private static BatchResult LookupBatch(BpfCommand command, BpfMapFd map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, int count, BpfUpdateFlags elementFlags)
    {
        int token = BatchTokenSize(map);
        if (!inBatch.IsEmpty && inBatch.Length < token) ThrowSize(map, "in-batch token", inBatch.Length, token);
        if (outBatch.Length < token) ThrowSize(map, "out-batch token", outBatch.Length, token);
        CheckBatch(map, keys.Length, values.Length, count);
        using var lease = new FdLease(map);
        fixed (byte* ib = inBatch)
        fixed (byte* ob = outBatch)
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            MapBatchAttr attr = default;
            attr.InBatch = inBatch.IsEmpty ? 0 : (ulong)ib;
            attr.OutBatch = (ulong)ob;
            attr.Keys = (ulong)k;
            attr.Values = (ulong)v;
            attr.Count = (uint)count;
            attr.MapFd = (uint)lease.Fd;
            attr.ElemFlags = (ulong)elementFlags;
            int r = Sys(command, &attr);
            if (r >= 0) return new BatchResult((int)attr.Count, false);
            if (r == -SyscallErrno.ENOENT) return new BatchResult((int)attr.Count, true);
            throw BpfErrors.FromErrno(command, -r, map);
        }
    }

    /// <summary>BPF_MAP_UPDATE_BATCH: writes <paramref name="count"/> key/value pairs; returns how many the kernel wrote.</summary>
    public static int MapUpdateBatch(BpfMapFd map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, int count, BpfUpdateFlags elementFlags = BpfUpdateFlags.Any)
    {
        CheckBatch(map, keys.Length, values.Length, count);
        using var lease = new FdLease(map);
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            MapBatchAttr attr = default;
            attr.Keys = (ulong)k;
            attr.Values = (ulong)v;
            attr.Count = (uint)count;
            attr.MapFd = (uint)lease.Fd;
            attr.ElemFlags = (ulong)elementFlags;
            int r = Sys(BpfCommand.MapUpdateBatch, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.MapUpdateBatch, -r, map.Describe() + $" (after {attr.Count} of {count} elements)", map.Name);
            return (int)attr.Count;
        }
    }

    /// <summary>BPF_MAP_DELETE_BATCH: deletes <paramref name="count"/> keys; a missing key stops it with ENOENT.</summary>
    public static int MapDeleteBatch(BpfMapFd map, ReadOnlySpan<byte> keys, int count)
    {
        CheckBatch(map, keys.Length, int.MaxValue, count);
        using var lease = new FdLease(map);
        fixed (byte* k = keys)
        {
            MapBatchAttr attr = default;
            attr.Keys = (ulong)k;
            attr.Count = (uint)count;
            attr.MapFd = (uint)lease.Fd;
            int r = Sys(BpfCommand.MapDeleteBatch, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.MapDeleteBatch, -r, map.Describe() + $" (after {attr.Count} of {count} elements)", map.Name);
            return (int)attr.Count;
        }
    }

    private static void CheckBatch(BpfMapFd map, int keysLength, int valuesLength, int count)
    {
        if (count < 0) throw new BpfException($"{map.Describe()}: a batch count cannot be negative ({count}).");
        if (keysLength < (long)count * map.KeySize) ThrowSize(map, $"keys ({count} elements)", keysLength, count * map.KeySize);
        if (valuesLength < (long)count * map.ElementValueSize) ThrowSize(map, $"values ({count} elements)", valuesLength, count * map.ElementValueSize);
    }
}
