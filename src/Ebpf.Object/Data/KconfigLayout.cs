using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;
using Ebpf.Object.Elf;

namespace Ebpf.Object.Data;

/// <summary>
/// Lays out an object's Kconfig externs (the variables of its BTF DATASEC ".kconfig") one after another, each
/// aligned to its size up to 8 bytes, as libbpf lays out its .kconfig map.
/// </summary>
internal static class KconfigLayout
{
    public const string SectionName = ".kconfig";

    /// <summary>
    /// Largest size a Kconfig extern may declare. Values are booleans, tristates, integers and short strings; a larger
    /// size is a damaged DATASEC, which would otherwise allocate gigabytes for the map's value.
    /// </summary>
    public const long MaxVariableSize = 1 << 20;

    public static DataSection? Read(BtfSpec? btf, ElfFile elf)
    {
        if (btf?.FindByName(SectionName, BtfKind.Datasec) is not BtfDatasec datasec || datasec.Variables.Count == 0)
            return null;
        var weak = elf.Symbols.Where(s => s.IsUndefined && s.Binding == SymbolBinding.Weak).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var variables = new List<DataVariable>();
        long offset = 0;
        foreach (var v in datasec.Variables)
        {
            var name = btf[v.Type].Name;
            if (v.Size > MaxVariableSize)
                throw new InvalidObjectException($"{elf.Source}: BTF DATASEC {SectionName}: extern '{name}' declares {v.Size} bytes; a Kconfig value is at most {MaxVariableSize} bytes (the object's BTF is damaged)");
            long size = Math.Max(1, v.Size);
            long align = Math.Min(8, size & -size); // the largest power of two dividing the size, at most 8
            offset = (offset + align - 1) / align * align;
            // IsStatic carries "weak" here: a weak extern the kernel does not know reads as zero instead of failing the load.
            variables.Add(new DataVariable(name, offset, size, (btf[v.Type] as BtfVar)?.Type, weak.Contains(name)));
            offset += size;
        }
        return new DataSection(SectionName, -1, DataSectionKind.Kconfig, new byte[Math.Max(offset, 1)], variables, null);
    }
}
