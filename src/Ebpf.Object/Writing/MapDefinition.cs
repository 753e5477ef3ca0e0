using Ebpf.Object.Maps;

namespace Ebpf.Object.Writing;

/// <summary>
/// A BTF-defined map to write into <c>.maps</c>. Give the key and value as BTF type ids (<c>__type(key, T)</c>)
/// where they have a type, or as byte sizes (<c>__uint(key_size, N)</c>) where they have none (perf event arrays);
/// ring buffers have neither. Zero-valued optional fields are left out of the definition, as C leaves them out.
/// </summary>
public sealed record MapDefinition(string Name, BpfMapType Type, uint MaxEntries)
{
    public int? KeyTypeId { get; init; }
    public int? ValueTypeId { get; init; }
    public uint? KeySize { get; init; }
    public uint? ValueSize { get; init; }
    public uint Flags { get; init; }
    public uint NumaNode { get; init; }
    public MapPinType Pinning { get; init; }
    public ulong MapExtra { get; init; }
}
