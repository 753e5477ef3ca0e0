using System.Buffers.Binary;
using Ebpf.Object.Btf;
using Ebpf.Object.Elf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Maps;

/// <summary>Reads map definitions: BTF-defined maps in <c>.maps</c> and <c>struct bpf_map_def</c> in the legacy <c>maps</c> section.</summary>
internal sealed class MapReader(ElfFile elf, BtfSpec? btf, Dictionary<(int Section, long Offset), MapSpec> byLocation)
{
    private const int MaxNesting = 2; // an inner map may not itself be a map-in-map template with further nesting

    private InvalidObjectException Error(string message) => new($"{elf.Source}: {message}");

    public IReadOnlyList<MapSpec> ReadAll()
    {
        var maps = new List<MapSpec>();
        if (elf.FindSection(".maps") is { } btfMaps)
            maps.AddRange(ReadBtfMaps(btfMaps));
        foreach (var section in elf.Sections)
            if (section.Name == "maps" || section.Name.StartsWith("maps/", StringComparison.Ordinal))
                maps.AddRange(ReadLegacyMaps(section));
            else if (StructOpsReader.IsStructOpsSection(section.Name) && !section.IsExecutable)
                maps.AddRange(new StructOpsReader(elf, btf).Read(section));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in maps)
            if (!seen.Add(m.Name))
                throw Error($"map '{m.Name}' is defined twice");
        return maps;
    }

    private List<MapSpec> ReadBtfMaps(ElfSection section)
    {
        if (btf is null)
            throw Error("section .maps holds BTF-defined maps, but the object has no .BTF section (compile with -g)");
        if (btf.FindByName(".maps", BtfKind.Datasec) is not BtfDatasec datasec)
            throw Error("section .maps has no DATASEC '.maps' in BTF, so its maps cannot be described");

        var symbols = elf.Symbols.Where(s => s.SectionIndex == section.Index && s.Name.Length > 0 && s.Type != SymbolType.Section)
            .GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.First());
        var relocations = elf.RelocationSectionsFor(section).SelectMany(elf.ReadRelocations).ToList();
        var maps = new List<MapSpec>();
        foreach (var secinfo in datasec.Variables)
        {
            if (btf[secinfo.Type] is not BtfVar var)
                throw Error($"DATASEC '.maps' lists type [{secinfo.Type}], which is not a VAR");
            if (!symbols.TryGetValue(var.Name, out var symbol))
                throw Error($"map '{var.Name}' is described in BTF but has no symbol in .maps");
            var def = ReadDefinition(var.Name, var.Type, 0);
            var map = def.ToSpec(MapDefinitionStyle.Btf) with
            {
                BtfVarId = var.Id, SectionIndex = section.Index, SectionOffset = (long)symbol.Value,
                Initializers = ReadInitializers(def, (long)symbol.Value, (long)symbol.Size, relocations),
            };
            byLocation[(section.Index, map.SectionOffset)] = map;
            maps.Add(map);
        }
        return maps;
    }

    private sealed class Definition
    {
        public string Name = "";
        public BpfMapType Type;
        public uint KeySize, ValueSize, MaxEntries, Flags, NumaNode;
        public MapPinType Pinning;
        public ulong MapExtra;
        public int? KeyTypeId, ValueTypeId;
        public MapSpec? InnerMap;
        public long ValuesOffset = -1; // byte offset of the `values` member, for initial values
        public bool ValuesArePrograms;

        public MapSpec ToSpec(MapDefinitionStyle style) => new()
        {
            Name = Name, Type = Type, KeySize = KeySize, ValueSize = ValueSize, MaxEntries = MaxEntries, Flags = Flags,
            NumaNode = NumaNode, Pinning = Pinning, MapExtra = MapExtra, KeyTypeId = KeyTypeId, ValueTypeId = ValueTypeId,
            InnerMap = InnerMap, Style = style,
        };
    }

    /// <summary>Reads a map-definition struct: integer members are <c>int (*name)[N]</c>, key/value are pointers to their types.</summary>
    private Definition ReadDefinition(string name, int typeId, int depth)
    {
        if (btf!.Skip(typeId) is not BtfStruct definition)
            throw Error($"map '{name}': its BTF type [{typeId}] is not a struct; declare it with __uint/__type members");
        var def = new Definition { Name = name };
        uint? keySize = null, valueSize = null;
        foreach (var member in definition.Members)
        {
            switch (member.Name)
            {
                case "type": def.Type = (BpfMapType)Integer(name, member); break;
                case "max_entries": def.MaxEntries = Integer(name, member); break;
                case "map_flags": def.Flags = Integer(name, member); break;
                case "numa_node": def.NumaNode = Integer(name, member); break;
                case "key_size": keySize = Integer(name, member); break;
                case "value_size": valueSize = Integer(name, member); break;
                case "pinning":
                    var pinning = Integer(name, member);
                    if (pinning > 1)
                        throw Error($"map '{name}': pinning {pinning} is not supported; use LIBBPF_PIN_NONE (0) or LIBBPF_PIN_BY_NAME (1)");
                    def.Pinning = (MapPinType)pinning;
                    break;
                case "map_extra": def.MapExtra = Long(name, member); break;
                case "key":
                    def.KeyTypeId = PointerTarget(name, member);
                    def.KeySize = Size(name, "key", def.KeyTypeId.Value);
                    break;
                case "value":
                    def.ValueTypeId = PointerTarget(name, member);
                    def.ValueSize = Size(name, "value", def.ValueTypeId.Value);
                    break;
                case "values":
                    ReadValues(def, member, depth);
                    break;
                default:
                    throw Error($"map '{name}': unknown map definition field '{member.Name}'");
            }
        }
        def.KeySize = Reconcile(name, "key", keySize, def.KeyTypeId is null ? null : def.KeySize);
        def.ValueSize = Reconcile(name, "value", valueSize, def.ValueTypeId is null ? null : def.ValueSize);
        if (def.InnerMap is not null || def.ValuesArePrograms)
        {
            // Map-in-map and program arrays hold 4-byte ids; libbpf sets the value size itself and, like it, accepts a
            // declared value (type) of 4 bytes alongside `values`.
            if (def.ValueSize is not (0 or 4))
                throw Error($"map '{name}': a map with `values` holds 4-byte {(def.ValuesArePrograms ? "program" : "map")} ids, but its value is declared {def.ValueSize} bytes");
            def.ValueSize = 4;
            def.ValueTypeId = null; // the kernel takes no BTF value type for these maps
        }
        return def;
    }

    private uint Reconcile(string map, string what, uint? explicitSize, uint? typedSize)
    {
        if (explicitSize is { } e && typedSize is { } t && e != t)
            throw Error($"map '{map}': {what}_size is {e} but the {what} type is {t} bytes");
        return explicitSize ?? typedSize ?? 0;
    }

    private void ReadValues(Definition def, BtfMember member, int depth)
    {
        if (btf!.Skip(member.Type) is not BtfArray array || btf.Skip(array.ElementType) is not BtfPointer pointer)
            throw Error($"map '{def.Name}': `values` must be an array of pointers (use __array(values, ...))");
        def.ValuesOffset = member.BitOffset / 8;
        var target = btf.Skip(pointer.Type);
        if (target is BtfFuncProto)
        {
            def.ValuesArePrograms = true;
            return;
        }
        if (depth >= MaxNesting)
            throw Error($"map '{def.Name}': map-in-map nests too deeply");
        def.InnerMap = ReadDefinition($"{def.Name}.inner", pointer.Type, depth + 1).ToSpec(MapDefinitionStyle.InnerTemplate);
    }

    private List<MapSlotInitializer> ReadInitializers(Definition def, long start, long size, List<ElfRelocation> relocations)
    {
        var result = new List<MapSlotInitializer>();
        foreach (var r in relocations)
        {
            var offset = (long)r.Offset;
            if (offset < start || offset >= start + Math.Max(size, 1))
                continue;
            if (def.ValuesOffset < 0)
                throw Error($"map '{def.Name}': a relocation at offset {offset} of .maps initializes it, but it has no `values` member");
            var rel = offset - start - def.ValuesOffset;
            if (rel < 0 || rel % 8 != 0)
                throw Error($"map '{def.Name}': initial value at offset {offset} of .maps is not a slot of `values`");
            var index = (uint)(rel / 8);
            if (index >= def.MaxEntries)
                throw Error($"map '{def.Name}': initial value for slot {index} exceeds max_entries {def.MaxEntries}");
            var target = elf.Symbol(r.SymbolIndex);
            result.Add(new MapSlotInitializer(index, target.Name, def.ValuesArePrograms));
        }
        return result;
    }

    private uint Integer(string map, BtfMember member)
    {
        if (btf!.Skip(member.Type) is not BtfPointer pointer || btf.Skip(pointer.Type) is not BtfArray array)
            throw Error($"map '{map}': field '{member.Name}' must be declared with __uint({member.Name}, N)");
        return array.Count;
    }

    /// <summary>
    /// A 64-bit field: <c>__uint(name, N)</c>, or libbpf's <c>__ulong(name, N)</c>, an anonymous enum whose one
    /// value is N (an array count cannot hold 64 bits).
    /// </summary>
    private ulong Long(string map, BtfMember member)
    {
        if (btf!.Skip(member.Type) is BtfEnumBase { Values.Count: 1 } e)
            return (ulong)e.Values[0].Value;
        if (btf.Skip(member.Type) is BtfPointer)
            return Integer(map, member);
        throw Error($"map '{map}': field '{member.Name}' must be declared with __uint({member.Name}, N) or __ulong({member.Name}, N)");
    }

    private int PointerTarget(string map, BtfMember member)
    {
        if (btf!.Skip(member.Type) is not BtfPointer pointer)
            throw Error($"map '{map}': field '{member.Name}' must be declared with __type({member.Name}, T)");
        return pointer.Type;
    }

    private uint Size(string map, string what, int typeId)
    {
        var size = btf!.SizeOf(typeId);
        if (size <= 0 || size > uint.MaxValue)
            throw Error($"map '{map}': the {what} type [{typeId}] has size {size}");
        return (uint)size;
    }

    /// <summary>Legacy <c>struct bpf_map_def</c>: type, key_size, value_size, max_entries, map_flags[, inner_map_idx, numa_node].</summary>
    private List<MapSpec> ReadLegacyMaps(ElfSection section)
    {
        var symbols = elf.Symbols.Where(s => s.SectionIndex == section.Index && s.Name.Length > 0 && s.Type != SymbolType.Section)
            .OrderBy(s => s.Value).ToList();
        var maps = new List<MapSpec>();
        if (symbols.Count == 0)
            return maps;
        var data = section.Data.Span;
        // Each definition is read where its symbol says, as cilium/ebpf does: a linked object (bpftool gen object) keeps the
        // definitions that lost to a stronger one, so the symbols are not evenly spaced. A symbol without a size (old
        // toolchains) takes the even share of the section, libbpf 0.x's rule.
        var share = data.Length / symbols.Count;
        foreach (var s in symbols)
        {
            var defSize = s.Size > 0 ? (long)s.Size : share;
            if (defSize < 20 || s.Value > (ulong)data.Length || (ulong)defSize > (ulong)data.Length - s.Value)
                throw Error($"map '{s.Name}' at offset {s.Value} of {section.Name} ({data.Length} bytes) has no room for a struct bpf_map_def of {defSize} bytes (at least 20: type, key_size, value_size, max_entries, map_flags)");
            var d = data.Slice((int)s.Value, (int)defSize);
            var map = new MapSpec
            {
                Name = s.Name,
                Type = (BpfMapType)BinaryPrimitives.ReadUInt32LittleEndian(d),
                KeySize = BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
                ValueSize = BinaryPrimitives.ReadUInt32LittleEndian(d[8..]),
                MaxEntries = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]),
                Flags = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]),
                NumaNode = defSize >= 28 ? BinaryPrimitives.ReadUInt32LittleEndian(d[24..]) : 0,
                Style = MapDefinitionStyle.Legacy,
                SectionIndex = section.Index,
                SectionOffset = (long)s.Value,
            };
            byLocation[(section.Index, map.SectionOffset)] = map;
            maps.Add(map);
        }
        return maps;
    }
}
