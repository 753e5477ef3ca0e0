using Ebpf.Object.Btf;

namespace Ebpf.Object.Writing;

/// <summary>A map placed in .maps: its definition, byte range and BTF VAR.</summary>
internal sealed record MapLayout(MapDefinition Definition, int Offset, int Size, int VarId);

/// <summary>Encodes a map definition as clang does for <c>__uint</c>/<c>__type</c> members: an anonymous struct of pointers.</summary>
internal static class MapBtf
{
    /// <summary>Adds the struct and its VAR; returns the VAR id and the struct's size (8 bytes per member).</summary>
    public static (int VarId, int Size) Add(BtfBuilder btf, WriterTypes types, MapDefinition map)
    {
        var members = new List<BtfMember>();
        void Int(string name, ulong value)
        {
            if (value > uint.MaxValue)
                throw new ObjectBuildException($"map '{map.Name}': {name} {value} does not fit the 32-bit array length BTF encodes it in");
            members.Add(new BtfMember(name, types.IntArrayPointer((uint)value), (uint)members.Count * 64));
        }
        void Type(string name, int typeId) => members.Add(new BtfMember(name, btf.Add(new BtfPointer { Type = typeId }), (uint)members.Count * 64));

        // Member order as libbpf's headers suggest writing them; libbpf reads them in any order.
        Int("type", (uint)map.Type);
        Int("max_entries", map.MaxEntries);
        if (map.KeySize is { } keySize) Int("key_size", keySize);
        if (map.KeyTypeId is { } key) Type("key", key);
        if (map.ValueSize is { } valueSize) Int("value_size", valueSize);
        if (map.ValueTypeId is { } value) Type("value", value);
        if (map.Flags != 0) Int("map_flags", map.Flags);
        if (map.NumaNode != 0) Int("numa_node", map.NumaNode);
        if (map.Pinning != 0) Int("pinning", (uint)map.Pinning);
        if (map.MapExtra != 0) Int("map_extra", map.MapExtra);

        var size = members.Count * 8;
        var structId = btf.Add(new BtfStruct { Size = (uint)size, Members = members });
        var varId = btf.Add(new BtfVar { Name = map.Name, Type = structId, Linkage = BtfLinkage.Global });
        return (varId, size);
    }
}
