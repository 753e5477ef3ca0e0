using Ebpf.Object.Elf;
using Ebpf.Object.Maps;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;

namespace Ebpf.Object.Writing;

/// <summary>
/// Feeds a read object back through <see cref="BpfObjectBuilder"/>: programs, subprograms, BTF-defined maps, global
/// data, license and line info. The result drops DWARF and fills in DATASEC sizes; it is also how the writer is
/// checked against clang's output. Objects using what the builder does not write (legacy maps, map-in-map values,
/// externs, CO-RE) are refused with an <see cref="ObjectBuildException"/> that names the part.
/// </summary>
public static class ObjectRebuilder
{
    public static BpfObjectBuilder Rebuild(BpfObjectFile obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var btf = obj.Btf ?? throw new ObjectBuildException($"{obj.Source}: the object has no .BTF; the builder writes BTF for every function and map, so it needs the types");
        var b = new BpfObjectBuilder
        {
            License = obj.License.Length == 0 ? null : obj.License,
            KernelVersion = obj.KernelVersion,
            SourceFileName = obj.Elf.Symbols.FirstOrDefault(s => s.Type == SymbolType.File).Name,
        };
        var types = new BtfImporter(btf, b.Btf);

        foreach (var m in obj.Maps)
        {
            if (m.Style != MapDefinitionStyle.Btf || m.InnerMap is not null || m.Initializers.Count > 0)
                throw new ObjectBuildException($"{obj.Source}: map '{m.Name}' is a {m.Style} map{(m.InnerMap is null ? "" : " of maps")}; the builder writes plain BTF-defined maps only");
            b.AddMap(new MapDefinition(m.Name, m.Type, m.MaxEntries)
            {
                KeyTypeId = m.KeyTypeId is { } k ? types.Import(k) : null,
                ValueTypeId = m.ValueTypeId is { } v ? types.Import(v) : null,
                KeySize = m.KeyTypeId is null && m.KeySize != 0 ? m.KeySize : null,
                ValueSize = m.ValueTypeId is null && m.ValueSize != 0 ? m.ValueSize : null,
                Flags = m.Flags, NumaNode = m.NumaNode, Pinning = m.Pinning, MapExtra = m.MapExtra,
            });
        }

        foreach (var d in obj.DataSections)
            foreach (var v in d.Variables)
            {
                var type = v.BtfTypeId ?? throw new ObjectBuildException($"{obj.Source}: variable '{v.Name}' in {d.Name} has no BTF type");
                b.AddVariable(d.Name, v.Name, types.Import(type), d.InitialValue.AsSpan((int)v.Offset, (int)v.Size), v.IsStatic, AlignmentOf(v.Offset));
            }

        foreach (var f in obj.Subprograms)
            b.AddSubprogram(Function(obj, f, types));
        foreach (var p in obj.Programs)
            b.AddProgram(p.SectionName, Function(obj, p, types));
        return b;
    }

    /// <summary>The largest alignment (up to 8) the variable's offset has, so variables land where they were.</summary>
    private static int AlignmentOf(long offset)
    {
        var alignment = 8;
        while (offset % alignment != 0) alignment /= 2;
        return alignment;
    }

    private static FunctionDefinition Function(BpfObjectFile obj, ProgramSpec f, BtfImporter types)
    {
        int? proto = null;
        if (f.FuncInfos.FirstOrDefault(i => i.InstructionOffset == 0) is { TypeId: > 0 } info && obj.Btf![info.TypeId] is Btf.BtfFunc func)
            proto = types.Import(func.Type);
        return new FunctionDefinition(f.Name, f.Instructions)
        {
            IsStatic = f.Binding == SymbolBinding.Local,
            ProtoTypeId = proto,
            Relocations = f.Relocations.Select(r => Relocation(obj, f, r)).ToList(),
            Lines = f.LineInfos.Select(l => new SourceLine(f.Slots.IndexOfSlot(l.InstructionOffset), l.FileName, l.LineText, l.Line, l.Column)).ToList(),
        };
    }

    private static CodeRelocation Relocation(BpfObjectFile obj, ProgramSpec f, ProgramRelocation r)
    {
        var index = f.Slots.IndexOfSlot(r.InstructionOffset);
        return r.Kind switch
        {
            RelocationKind.Map => CodeRelocation.Map(index, r.Map!.Name),
            RelocationKind.GlobalData when r.Variable is { } v => CodeRelocation.Variable(index, v.Name, r.DataOffset - v.Offset),
            RelocationKind.Call => CodeRelocation.Call(index, r.Target!.Name),
            RelocationKind.FunctionAddress => CodeRelocation.FunctionAddress(index, r.Target!.Name),
            _ => throw new ObjectBuildException($"{obj.Source}: {f.Name}+{r.InstructionOffset} refers to {r.Description}, which the builder cannot write"),
        };
    }
}
