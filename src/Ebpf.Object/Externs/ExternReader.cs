using Ebpf.Object.Btf;
using Ebpf.Object.Elf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Externs;

/// <summary>
/// Collects an object's externs as libbpf does: every named undefined global or weak symbol must be a VAR or FUNC of
/// the BTF DATASEC ".kconfig" or ".ksyms" (the sections <c>__kconfig</c> and <c>__ksym</c> put them in); the kind
/// follows from the section and the BTF type. Any other undefined symbol is <see cref="ExternKind.Unresolved"/>.
/// </summary>
internal static class ExternReader
{
    public static IReadOnlyList<ExternSpec> Read(ElfFile elf, BtfSpec? btf)
    {
        var undefined = new Dictionary<string, bool>(StringComparer.Ordinal); // name -> weak
        foreach (var s in elf.Symbols)
            if (s.IsUndefined && s.Name.Length > 0 && s.Binding is SymbolBinding.Global or SymbolBinding.Weak)
                undefined.TryAdd(s.Name, s.Binding == SymbolBinding.Weak);
        if (undefined.Count == 0)
            return [];
        var externs = new List<ExternSpec>();
        foreach (var (section, kconfig) in new[] { (Data.KconfigLayout.SectionName, true), (ExternSpec.KsymsSection, false) })
        {
            if (btf?.FindByName(section, BtfKind.Datasec) is not BtfDatasec datasec)
                continue;
            foreach (var v in datasec.Variables)
            {
                var type = btf![v.Type];
                if (!undefined.Remove(type.Name, out var weak))
                    continue; // a declared extern that no code uses has no symbol
                externs.Add(type switch
                {
                    BtfVar var when kconfig => new ExternSpec(var.Name, ExternKind.Kconfig, weak) { BtfId = var.Id, BtfTypeId = var.Type },
                    BtfVar var => new ExternSpec(var.Name, btf.Skip(var.Type) is BtfVoid ? ExternKind.TypelessKsym : ExternKind.TypedKsym, weak)
                        { BtfId = var.Id, BtfTypeId = var.Type },
                    BtfFunc func when !kconfig => new ExternSpec(func.Name, ExternKind.Kfunc, weak) { BtfId = func.Id, BtfTypeId = func.Type },
                    _ => new ExternSpec(type.Name, ExternKind.Unresolved, weak) { BtfId = type.Id },
                });
            }
        }
        // Reading never fails for these: a program that uses one fails to load, naming it (an object may be inspected before linking).
        foreach (var (name, weak) in undefined)
            externs.Add(new ExternSpec(name, ExternKind.Unresolved, weak));
        return externs;
    }
}
