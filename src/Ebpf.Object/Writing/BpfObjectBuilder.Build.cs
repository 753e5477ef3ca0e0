using Ebpf.Asm;
using Ebpf.Object.Btf;
using Ebpf.Object.Data;
using Ebpf.Object.Elf;
using static Ebpf.Object.Elf.ElfConstants;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Writing;

public sealed partial class BpfObjectBuilder
{
    /// <summary>
    /// Lays out and encodes the object. Relocation targets are resolved here, so maps, variables and subprograms may
    /// be added in any order before. Building again returns the same bytes; adding after building throws.
    /// </summary>
    public byte[] Build()
    {
        if (_built is not null)
            return (byte[])_built.Clone();
        if (License is not null && License.Contains('\0'))
            throw new ObjectBuildException("the license contains a NUL character; give the license text alone, such as \"GPL\"");
        if (License is not null) ClaimName("LICENSE", "license variable");
        if (KernelVersion is not null) ClaimName("_version", "version variable");
        // The kernel refuses line_info that skips a function of the program (caller or callee), so it is all or none.
        if (_functions.Any(f => f.Definition.Lines.Count > 0) && _functions.FirstOrDefault(f => f.Definition.Lines.Count == 0) is { } bare)
            throw new ObjectBuildException($"{bare.Describe} has no line info while other functions have some; the kernel then refuses the program. Give it at least a line for instruction 0");

        var plan = new ElfPlan();
        var codeSections = LayOutCode(plan);
        AddDataSections(plan);
        AddSymbols(plan, codeSections);
        foreach (var (index, functions) in codeSections)
            plan.Sections[index].Data = EncodeSection(plan, plan.Sections[index], functions);
        AddDatasecs();
        var ext = BuildExt(codeSections.Select(c => (plan.Sections[c.Index].Name, c.Functions)));

        var btf = Btf.ToBytes();
        using (BtfSpec.Parse(btf)) { } // validates every type reference before anything is written
        plan.AddSection(new SectionPlan(".BTF", SectionProgBits, 0, 4) { Data = btf });
        plan.AddSection(new SectionPlan(".BTF.ext", SectionProgBits, 0, 4) { Data = ext.ToBytes() });
        if (LogSites.Count > 0)
            plan.AddSection(new SectionPlan(Logs.LogSiteTable.SectionName, SectionProgBits, 0, 1) { Data = new Logs.LogSiteTable(LogSites).ToBytes() });

        _built = ElfEmitter.Write(plan);
        return (byte[])_built.Clone();
    }

    /// <summary>.text first (clang always writes it, empty or not), then program sections in the order first used.</summary>
    private List<(int Index, List<FunctionLayout> Functions)> LayOutCode(ElfPlan plan)
    {
        var result = new List<(int, List<FunctionLayout>)>();
        foreach (var name in _functions.Select(f => f.Section).Prepend(TextSection).Distinct())
        {
            var functions = _functions.Where(f => f.Section == name).ToList();
            var offset = 0;
            foreach (var f in functions)
            {
                f.ByteOffset = offset;
                offset += f.ByteSize;
            }
            var index = plan.AddSection(new SectionPlan(name, SectionProgBits, FlagAlloc | FlagExecInstr, functions.Count == 0 ? 4u : 8u));
            result.Add((index, functions));
        }
        return result;
    }

    private void AddDataSections(ElfPlan plan)
    {
        foreach (var d in _dataSections)
        {
            var bss = d.Kind == DataSectionKind.Bss;
            var flags = FlagAlloc | (d.Kind == DataSectionKind.ReadOnly ? 0 : FlagWrite);
            plan.AddSection(new SectionPlan(d.Name, bss ? SectionNoBits : SectionProgBits, flags, (uint)d.Alignment)
            {
                Data = bss ? [] : d.Bytes, NoBitsSize = bss ? (ulong)d.Size : 0,
            });
        }
        if (_maps.Count > 0)
            plan.AddSection(new SectionPlan(".maps", SectionProgBits, FlagAlloc | FlagWrite, 8) { Data = new byte[_mapsSize] });
        if (License is not null)
            plan.AddSection(new SectionPlan("license", SectionProgBits, FlagAlloc | FlagWrite, 1) { Data = Utf8Z(License) });
        if (KernelVersion is { } version)
            plan.AddSection(new SectionPlan("version", SectionProgBits, FlagAlloc | FlagWrite, 4) { Data = BitConverter.GetBytes(version) });
    }

    /// <summary>Null, FILE, section symbols, static functions and variables, then the globals (sh_info = first global).</summary>
    private void AddSymbols(ElfPlan plan, List<(int Index, List<FunctionLayout> Functions)> code)
    {
        if (SourceFileName is not null)
            plan.AddSymbol(new SymbolPlan(SourceFileName, SymbolBinding.Local, SymbolType.File, -1, 0, 0));
        foreach (var (index, functions) in code)
            if (functions.Count > 0)
                plan.AddSymbol(new SymbolPlan(plan.Sections[index].Name, SymbolBinding.Local, SymbolType.Section, index, 0, 0));
        foreach (var d in _dataSections)
            plan.AddSymbol(new SymbolPlan(d.Name, SymbolBinding.Local, SymbolType.Section, plan.SectionIndex(d.Name), 0, 0));

        foreach (var f in _functions.Where(f => f.IsLocal))
            plan.AddSymbol(Function(f));
        foreach (var v in _variables.Values.Where(v => v.IsStatic))
            plan.AddSymbol(Variable(v, SymbolBinding.Local));

        foreach (var f in _functions.Where(f => !f.IsLocal))
            plan.AddSymbol(Function(f));
        foreach (var m in _maps)
            plan.AddSymbol(new SymbolPlan(m.Definition.Name, SymbolBinding.Global, SymbolType.Object, plan.SectionIndex(".maps"), (ulong)m.Offset, (ulong)m.Size));
        foreach (var v in _variables.Values.Where(v => !v.IsStatic))
            plan.AddSymbol(Variable(v, SymbolBinding.Global));
        if (License is not null)
            plan.AddSymbol(new SymbolPlan("LICENSE", SymbolBinding.Global, SymbolType.Object, plan.SectionIndex("license"), 0, (ulong)Utf8Z(License).Length));
        if (KernelVersion is not null)
            plan.AddSymbol(new SymbolPlan("_version", SymbolBinding.Global, SymbolType.Object, plan.SectionIndex("version"), 0, 4));
        foreach (var (name, _, weak) in _kfuncs)
            plan.AddSymbol(new SymbolPlan(name, weak ? SymbolBinding.Weak : SymbolBinding.Global, SymbolType.NoType, SymbolPlan.Undefined, 0, 0));

        SymbolPlan Function(FunctionLayout f) => new(f.Name, f.IsLocal ? SymbolBinding.Local : SymbolBinding.Global, SymbolType.Func,
            plan.SectionIndex(f.Section), (ulong)f.ByteOffset, (ulong)f.ByteSize);
        SymbolPlan Variable(VariableLayout v, SymbolBinding binding) =>
            new(v.Name, binding, SymbolType.Object, plan.SectionIndex(v.Section.Name), (ulong)v.Offset, (ulong)v.Size);
    }

    /// <summary>DATASECs with sizes and offsets filled in (clang leaves them to libbpf), variables in offset order.</summary>
    private void AddDatasecs()
    {
        foreach (var d in _dataSections)
            Datasec(d.Name, d.Size, d.Variables.Select(v => new BtfDatasecVar(v.VarId, (uint)v.Offset, (uint)v.Size)));
        if (_maps.Count > 0)
            Datasec(".maps", _mapsSize, _maps.Select(m => new BtfDatasecVar(m.VarId, (uint)m.Offset, (uint)m.Size)));
        if (License is not null)
        {
            var length = (uint)Utf8Z(License).Length;
            var var = Btf.Add(new BtfVar { Name = "LICENSE", Type = _types.Array(_types.Char, length), Linkage = BtfLinkage.Global });
            Datasec("license", (int)length, [new BtfDatasecVar(var, 0, length)]);
        }
        if (KernelVersion is not null)
        {
            var var = Btf.Add(new BtfVar { Name = "_version", Type = _types.UnsignedInt, Linkage = BtfLinkage.Global });
            Datasec("version", 4, [new BtfDatasecVar(var, 0, 4)]);
        }
        if (_kfuncs.Count > 0)
            Datasec(ExternSpecSection, 0, _kfuncs.Select(k => new BtfDatasecVar(k.FuncId, 0, 0)));

        void Datasec(string name, int size, IEnumerable<BtfDatasecVar> vars) =>
            Btf.Add(new BtfDatasec { Name = name, Size = (uint)size, Variables = vars.OrderBy(v => v.Offset).ToList() });
    }

    private const string ExternSpecSection = Externs.ExternSpec.KsymsSection;

    /// <summary>func_info for every function and line_info for its lines, per code section; strings go into .BTF.</summary>
    private BtfExt BuildExt(IEnumerable<(string Section, List<FunctionLayout> Functions)> code)
    {
        var funcs = new List<BtfExtSection<BtfFuncInfo>>();
        var lines = new List<BtfExtSection<BtfLineInfo>>();
        var cores = new List<BtfExtSection<BtfCoreRelocation>>();
        foreach (var (section, functions) in code)
        {
            if (functions.Count == 0)
                continue;
            var nameOffset = Btf.AddString(section);
            funcs.Add(new BtfExtSection<BtfFuncInfo>(section, functions.Select(f => new BtfFuncInfo((uint)f.ByteOffset, f.FuncTypeId)).ToList())
            { SectionNameOffset = nameOffset });
            var records = functions.SelectMany(f => f.Definition.Lines.Select(l =>
                new BtfLineInfo((uint)f.OffsetOf(l.InstructionIndex), l.FileName, l.LineText, (uint)l.Line, (uint)l.Column)
                { FileNameOffset = Btf.AddString(l.FileName), LineTextOffset = Btf.AddString(l.LineText) })).ToList();
            if (records.Count > 0)
                lines.Add(new BtfExtSection<BtfLineInfo>(section, records) { SectionNameOffset = nameOffset });
            var relocations = functions.SelectMany(f => f.Definition.CoreRelocations.Select(r =>
                new BtfCoreRelocation((uint)f.OffsetOf(r.InstructionIndex), r.TypeId, r.AccessString, r.Kind) { AccessStringOffset = Btf.AddString(r.AccessString) })).ToList();
            if (relocations.Count > 0)
                cores.Add(new BtfExtSection<BtfCoreRelocation>(section, relocations) { SectionNameOffset = nameOffset });
        }
        return new BtfExt(funcs, lines, cores);
    }
}
