namespace Ebpf.Native;

/// <summary>A map as the kernel describes it (struct bpf_map_info).</summary>
public sealed record BpfMapInfo(
    BpfMapType Type,
    uint Id,
    string Name,
    int KeySize,
    int ValueSize,
    uint MaxEntries,
    BpfMapFlags Flags,
    uint Ifindex,
    uint BtfId,
    uint BtfKeyTypeId,
    uint BtfValueTypeId,
    uint BtfVmlinuxValueTypeId,
    ulong MapExtra);
