namespace Ebpf.Programs.Tests.Uprobes;

/// <summary>Reads and clears the u64 slots of the fixtures' array maps.</summary>
internal static class Counters
{
    public static ulong Read(BpfMap map, uint index)
    {
        Span<byte> value = stackalloc byte[8];
        Assert.True(map.TryLookup(BitConverter.GetBytes(index), value));
        return BitConverter.ToUInt64(value);
    }

    public static void Clear(BpfMap map)
    {
        for (uint i = 0; i < map.MaxEntries; i++)
            map.Update(BitConverter.GetBytes(i), new byte[8]);
    }
}
