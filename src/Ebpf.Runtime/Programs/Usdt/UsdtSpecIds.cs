namespace Ebpf;

/// <summary>
/// Hands out slots of a __bpf_usdt_specs map (by the map's kernel id), so that every USDT attachment of this
/// process sharing one map gets slots of its own; a slot is the BPF cookie its probes carry.
/// </summary>
internal static class UsdtSpecIds
{
    private static readonly Dictionary<uint, SortedSet<int>> Used = [];

    public static int Allocate(uint mapId, uint capacity, string where)
    {
        lock (Used)
        {
            var used = Used.TryGetValue(mapId, out var set) ? set : Used[mapId] = [];
            for (var id = 0; id < capacity; id++)
                if (used.Add(id))
                    return id;
        }
        throw new BpfException($"{where}: all {capacity} slots of __bpf_usdt_specs are in use; dispose other USDT attachments or define BPF_USDT_MAX_SPEC_CNT larger before including usdt.bpf.h");
    }

    public static void Release(uint mapId, int id)
    {
        lock (Used)
            if (Used.TryGetValue(mapId, out var set))
                set.Remove(id);
    }
}
