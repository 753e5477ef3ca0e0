namespace Ebpf.Object.Maps;

/// <summary>Where a map definition came from.</summary>
public enum MapDefinitionStyle
{
    /// <summary>A BTF-defined map: a variable in <c>.maps</c> described by BTF.</summary>
    Btf,
    /// <summary>A <c>struct bpf_map_def</c> in the legacy <c>maps</c> section.</summary>
    Legacy,
    /// <summary>The inner-map template of a map-in-map, described inline in its outer map's BTF.</summary>
    InnerTemplate,
}

/// <summary>libbpf's pin types (enum libbpf_pin_type): LIBBPF_PIN_NONE and LIBBPF_PIN_BY_NAME. The kernel side declares them with its own MapPinning.</summary>
public enum MapPinType : uint { None = 0, ByName = 1 }

/// <summary>The initial content of one slot of a map-in-map or program array, named by map or program.</summary>
public sealed record MapSlotInitializer(uint Index, string TargetName, bool IsProgram);

/// <summary>A map as the object declares it, before any kernel object exists.</summary>
public sealed record MapSpec
{
    public required string Name { get; init; }
    public required BpfMapType Type { get; init; }
    public uint KeySize { get; init; }
    public uint ValueSize { get; init; }
    public uint MaxEntries { get; init; }
    public uint Flags { get; init; }
    public uint NumaNode { get; init; }
    public MapPinType Pinning { get; init; }
    public ulong MapExtra { get; init; }

    /// <summary>BTF type of the key and value, where declared with <c>__type</c>.</summary>
    public int? KeyTypeId { get; init; }
    public int? ValueTypeId { get; init; }

    /// <summary>The BTF VAR of the map in <c>.maps</c>.</summary>
    public int? BtfVarId { get; init; }

    /// <summary>For map-in-map: the definition every inner map must match.</summary>
    public MapSpec? InnerMap { get; init; }

    /// <summary>Slots filled at load: <c>.values = { ... }</c> of map-in-map and program arrays.</summary>
    public IReadOnlyList<MapSlotInitializer> Initializers { get; init; } = [];

    public MapDefinitionStyle Style { get; init; }

    /// <summary>For struct_ops maps (<c>.struct_ops</c>, <c>.struct_ops.link</c>): the kernel struct, its initial bytes and member programs.</summary>
    public StructOpsSpec? StructOps { get; init; }

    /// <summary>ELF section and byte offset of the definition (unused for inner templates).</summary>
    public int SectionIndex { get; init; }
    public long SectionOffset { get; init; }

    public override string ToString() => $"{Name}: {Type} key={KeySize} value={ValueSize} max_entries={MaxEntries} flags=0x{Flags:x}";
}
