using Ebpf.Object.Btf;
using Ebpf.Object.Elf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Maps;

/// <summary>
/// Reads <c>.struct_ops</c> and <c>.struct_ops.link</c>: each variable of the section's DATASEC is one struct_ops map,
/// and the relocations of the section point its function-pointer members at programs (as libbpf's
/// init_struct_ops_maps and collect_st_ops_relos do).
/// </summary>
internal sealed class StructOpsReader(ElfFile elf, BtfSpec? btf)
{
    /// <summary>BPF_F_LINK: the map is registered through a link, not by its update.</summary>
    public const uint LinkFlag = 1u << 13;

    private InvalidObjectException Error(string message) => new($"{elf.Source}: {message}");

    public static bool IsStructOpsSection(string name) =>
        name is ".struct_ops" or ".struct_ops.link" || name.StartsWith(".struct_ops.", StringComparison.Ordinal);

    public List<MapSpec> Read(ElfSection section)
    {
        if (btf is null)
            throw Error($"section {section.Name} holds struct_ops maps, but the object has no .BTF section (compile with -g)");
        if (btf.FindByName(section.Name, BtfKind.Datasec) is not BtfDatasec datasec)
            throw Error($"section {section.Name} has no DATASEC '{section.Name}' in BTF, so its struct_ops maps cannot be described");
        var isLink = section.Name.StartsWith(".struct_ops.link", StringComparison.Ordinal);
        var data = section.Data.Span;
        var relocations = elf.RelocationSectionsFor(section).SelectMany(elf.ReadRelocations).ToList();
        var maps = new List<MapSpec>();
        foreach (var secinfo in datasec.Variables)
        {
            if (btf[secinfo.Type] is not BtfVar var)
                throw Error($"DATASEC '{section.Name}' lists type [{secinfo.Type}], which is not a VAR");
            if (btf.Skip(var.Type) is not BtfStruct type || string.IsNullOrEmpty(type.Name))
                throw Error($"struct_ops map '{var.Name}' in {section.Name} is not a named struct; declare it as the kernel struct it implements (struct tcp_congestion_ops ...)");
            long start = secinfo.Offset, size = type.Size;
            if (start < 0 || start + size > data.Length)
                throw Error($"struct_ops map '{var.Name}' spans bytes {start}..{start + size} of {section.Name}, which has {data.Length}");
            var members = new List<StructOpsMember>();
            foreach (var r in relocations)
            {
                var offset = (long)r.Offset - start;
                if (offset < 0 || offset >= size)
                    continue;
                var index = -1;
                for (var i = 0; i < type.Members.Count; i++)
                    if (type.Members[i].BitOffset / 8 == offset)
                        index = i;
                if (index < 0 || btf.Skip(type.Members[index].Type) is not BtfPointer pointer || btf.Skip(pointer.Type) is not BtfFuncProto)
                    throw Error($"struct_ops map '{var.Name}': a relocation at offset {offset} of struct {type.Name} is not at a function-pointer member");
                var symbol = elf.Symbol(r.SymbolIndex);
                if (symbol.Type == SymbolType.Section)
                {
                    // A static function may be named by its section symbol: the addend is in the pointer's bytes (REL).
                    var addend = BitConverter.ToUInt64(data.Slice((int)(start + offset), 8));
                    var section1 = symbol.SectionIndex;
                    symbol = elf.Symbols.FirstOrDefault(s => s.SectionIndex == section1 && s.Type == SymbolType.Func && s.Value == addend);
                    if (symbol.Name is null)
                        throw Error($"struct_ops map '{var.Name}': member '{type.Members[index].Name}' points at offset {addend} of a section where no function starts");
                }
                if (symbol.Type != SymbolType.Func || symbol.IsUndefined || symbol.IsSpecialSection || !elf.Section(symbol.SectionIndex).IsExecutable)
                    throw Error($"struct_ops map '{var.Name}': member '{type.Members[index].Name}' points at '{symbol.Name}', which is not a program");
                var member = type.Members[index];
                members.Add(new StructOpsMember(member.Name, index, offset, symbol.Name));
            }
            members.Sort((a, b) => a.Index.CompareTo(b.Index));
            maps.Add(new MapSpec
            {
                Name = var.Name, Type = BpfMapType.StructOps, KeySize = 4, ValueSize = (uint)size, MaxEntries = 1,
                Flags = isLink ? LinkFlag : 0, BtfVarId = var.Id, ValueTypeId = type.Id, SectionIndex = section.Index, SectionOffset = start,
                StructOps = new StructOpsSpec(type.Name, type.Id, data.Slice((int)start, (int)size).ToArray(), members, isLink),
            });
        }
        return maps;
    }
}
