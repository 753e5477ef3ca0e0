using Ebpf.Native;

namespace Ebpf;

/// <summary>Element syscalls of per-CPU maps: the value buffer is on the stack (rented when large) and converted.</summary>
internal static class PerCpuElements
{
    public static bool TryLookup<TKey, TValue>(BpfMapFd fd, in TKey key, Span<TValue> values) where TKey : unmanaged where TValue : unmanaged
    {
        CheckDestination(fd, values.Length);
        int size = PerCpuLayout<TValue>.ElementSize;
        var rented = PerCpuLayout<TValue>.Rent(size);
        try
        {
            Span<byte> slots = rented is null ? stackalloc byte[PerCpuLayout<TValue>.StackLimit] : rented;
            slots = slots[..size];
            if (!BpfSyscall.MapLookupElem(fd, Elements.Bytes(in key), slots)) return false;
            PerCpuLayout<TValue>.Read(slots, values);
            return true;
        }
        finally { PerCpuLayout<TValue>.Return(rented); }
    }

    public static void Update<TKey, TValue>(BpfMapFd fd, in TKey key, ReadOnlySpan<TValue> values, BpfUpdateFlags flags) where TKey : unmanaged where TValue : unmanaged
    {
        int size = PerCpuLayout<TValue>.ElementSize;
        var rented = PerCpuLayout<TValue>.Rent(size);
        try
        {
            Span<byte> slots = rented is null ? stackalloc byte[PerCpuLayout<TValue>.StackLimit] : rented;
            slots = slots[..size];
            PerCpuLayout<TValue>.Write(values, slots);
            BpfSyscall.MapUpdateElem(fd, Elements.Bytes(in key), slots, flags);
        }
        finally { PerCpuLayout<TValue>.Return(rented); }
    }

    /// <summary>Converts batch values (count elements of ElementSize bytes) to one PerCpu per element.</summary>
    public static PerCpu<TValue> ReadAt<TValue>(ReadOnlySpan<byte> batchValues, int index) where TValue : unmanaged
    {
        var value = new PerCpu<TValue>();
        int size = PerCpuLayout<TValue>.ElementSize;
        PerCpuLayout<TValue>.Read(batchValues.Slice(index * size, size), value.AsSpan());
        return value;
    }

    private static void CheckDestination(BpfMapFd fd, int length)
    {
        if (length != PossibleCpus.Count)
            throw new BpfException($"map '{fd.Name}': a per-CPU value needs a span of one element per possible CPU ({PossibleCpus.Count}), not {length}.");
    }
}
