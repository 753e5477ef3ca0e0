using System.Buffers.Binary;
using System.Text;
using Ebpf.Asm;
using Ebpf.Object.Data;
using Ebpf.Object.Elf;
using Ebpf.Object.Maps;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;
using Ebpf.Object.Sections;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object;

/// <summary>Turns the sections and symbols of an <see cref="ElfFile"/> into a <see cref="BpfObjectFile"/>.</summary>
internal sealed class ObjectReader
{
    private readonly ElfFile _elf;
    private readonly BpfObjectFile _obj;
    private readonly Dictionary<int, List<ProgramSpec>> _functionsBySection = [];
    private readonly Dictionary<(int Section, long Offset), MapSpec> _mapsByLocation = [];
    private readonly Dictionary<int, DataSection> _dataBySection = [];

    private ObjectReader(ElfFile elf)
    {
        _elf = elf;
        _obj = new BpfObjectFile(elf);
    }

    public static BpfObjectFile Read(ElfFile elf)
    {
        var reader = new ObjectReader(elf);
        try
        {
            reader.ReadAll();
        }
        catch (BpfException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException or InvalidOperationException or FormatException or DecoderFallbackException)
        {
            // A malformed object must surface as the library's own exception; this is the last line of defence.
            throw new InvalidObjectException($"{elf.Source}: the object is malformed: {e.Message}", e);
        }
        return reader._obj;
    }

    private InvalidObjectException Error(string message) => new($"{_elf.Source}: {message}");

    private void ReadAll()
    {
        ReadLicenseAndVersion();
        ReadBtf();
        ReadDataSections();
        _obj.Kconfig = KconfigLayout.Read(_obj.Btf, _elf);
        _obj.Externs = Externs.ExternReader.Read(_elf, _obj.Btf);
        _obj.Maps = new MapReader(_elf, _obj.Btf, _mapsByLocation).ReadAll();
        ReadFunctions();
        foreach (var functions in _functionsBySection.Values)
            foreach (var f in functions)
                ResolveLocalCalls(f);
        ReadRelocations();
        foreach (var functions in _functionsBySection.Values)
            foreach (var f in functions)
                f.SortRelocations();
        new ExtInfoReader(_obj).Attach(_functionsBySection);
    }

    private void ReadLicenseAndVersion()
    {
        if (_elf.FindSection("license") is { } license)
        {
            var span = license.Data.Span;
            var end = span.IndexOf((byte)0);
            _obj.License = Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
        if (_elf.FindSection("version") is { } version)
        {
            if (version.Data.Length != 4)
                throw Error($"section version has {version.Data.Length} bytes; it must hold one 32-bit kernel version");
            _obj.KernelVersion = BinaryPrimitives.ReadUInt32LittleEndian(version.Data.Span);
        }
    }

    private void ReadBtf()
    {
        if (_elf.FindSection(".BTF") is not { } btf)
            return;
        _obj.Btf = BtfSpec.Parse(btf.Data.Span);
        if (_elf.FindSection(".BTF.ext") is { } ext)
            _obj.BtfExt = Btf.BtfExt.Parse(ext.Data.Span, _obj.Btf);
    }

    /// <summary>Largest .bss-like section read: far above any kernel's largest array map value (KMALLOC_MAX_SIZE).</summary>
    private const ulong MaxZeroFilledDataSize = 256 << 20;

    private void ReadDataSections()
    {
        var list = new List<DataSection>();
        foreach (var section in _elf.Sections)
        {
            if (section.Type is not (ElfConstants.SectionProgBits or ElfConstants.SectionNoBits) || section.IsExecutable)
                continue;
            if (!DataSection.IsDataSectionName(section.Name, out var kind))
                continue;
            if (section.Size > int.MaxValue)
                throw Error($"data section {section.Name} is {section.Size} bytes, too large for an array map value");
            // The file does not hold a NOBITS section's zeros, so only its header bounds what would be allocated here.
            if (section.IsNoBits && section.Size > MaxZeroFilledDataSize)
                throw Error($"data section {section.Name} (NOBITS) declares {section.Size} bytes of zeros; no kernel takes an array map value over {MaxZeroFilledDataSize >> 20} MiB (x86-64 takes 4 MiB), so its section header is damaged");
            var value = section.IsNoBits ? new byte[section.Size] : section.Data.ToArray();
            var datasec = _obj.Btf?.FindByName(section.Name, Btf.BtfKind.Datasec) as Btf.BtfDatasec;
            var variables = new List<DataVariable>();
            foreach (var symbol in _elf.Symbols)
            {
                if (symbol.SectionIndex != section.Index || symbol.Type != SymbolType.Object || symbol.Name.Length == 0)
                    continue;
                if (symbol.Value > (ulong)value.Length || symbol.Size > (ulong)value.Length - symbol.Value)
                    throw Error($"variable {symbol.Name} at offset {symbol.Value} with size {symbol.Size} lies outside section {section.Name} ({value.Length} bytes)");
                int? typeId = null;
                if (datasec is not null && _obj.Btf is { } btf)
                    foreach (var v in datasec.Variables)
                        if (btf[v.Type] is Btf.BtfVar var && var.Name == symbol.Name)
                        {
                            typeId = var.Type;
                            break;
                        }
                variables.Add(new DataVariable(symbol.Name, (long)symbol.Value, (long)symbol.Size, typeId, symbol.Binding == SymbolBinding.Local));
            }
            variables.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            var data = new DataSection(section.Name, section.Index, kind, value, variables, datasec?.Id);
            _dataBySection[section.Index] = data;
            list.Add(data);
        }
        _obj.DataSections = list;
    }

    private void ReadFunctions()
    {
        var programs = new List<ProgramSpec>();
        var subprograms = new List<ProgramSpec>();
        // Function symbols by section, in one pass over the symbol table; each list in offset order, ties in table order.
        var functionSymbols = new Dictionary<int, List<ElfSymbol>>();
        foreach (var s in _elf.Symbols)
            if (s.Type == SymbolType.Func)
            {
                if (!functionSymbols.TryGetValue(s.SectionIndex, out var list))
                    functionSymbols[s.SectionIndex] = list = [];
                list.Add(s);
            }
        foreach (var section in _elf.Sections)
        {
            if (!section.IsExecutable || section.Type != ElfConstants.SectionProgBits || section.Data.Length == 0)
                continue;
            if (section.Data.Length % 8 != 0)
                throw Error($"code section {section.Name} has {section.Data.Length} bytes, not a whole number of 8-byte instructions");
            var isText = section.Name == ".text";
            var symbols = functionSymbols.GetValueOrDefault(section.Index) ?? [];
            symbols.Sort(static (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Index.CompareTo(b.Index));
            var functions = new List<ProgramSpec>();
            if (symbols.Count == 0)
            {
                // Objects without function symbols (hand-written assembly, old toolchains): the section is one program.
                functions.Add(MakeFunction(section.Name, section, 0, (ulong)section.Data.Length, SymbolBinding.Global, isText));
            }
            foreach (var s in symbols)
            {
                if (s.Value % 8 != 0)
                    throw Error($"function {s.Name} starts at offset {s.Value} of {section.Name}, which is not a multiple of 8");
                var size = s.Size;
                if (size == 0)
                {
                    // Size unknown: the function runs to the next symbol or the section's end.
                    var next = symbols.FirstOrDefault(o => o.Value > s.Value);
                    size = (next.Name is null ? (ulong)section.Data.Length : next.Value) - s.Value;
                }
                if (s.Value > (ulong)section.Data.Length || size > (ulong)section.Data.Length - s.Value)
                    throw Error($"function {s.Name} spans bytes {s.Value}..{s.Value + size} of {section.Name}, which has {section.Data.Length}");
                functions.Add(MakeFunction(s.Name, section, s.Value, size, s.Binding, isText));
            }
            _functionsBySection[section.Index] = functions;
            (isText ? subprograms : programs).AddRange(functions);
        }

        // Programs of one section share its definition: resolve each section name once.
        var definitions = new Dictionary<string, SectionDefinition>(StringComparer.Ordinal);
        foreach (var p in programs)
        {
            if (definitions.TryGetValue(p.SectionName, out var known))
                p.Definition = known;
            else if (SectionTable.TryResolve(p.SectionName, p.Name, out var definition, out var error))
                p.Definition = definitions[p.SectionName] = definition!;
            else
                p.SectionError = error;
        }
        _obj.Programs = programs;
        _obj.Subprograms = subprograms;
    }

    private ProgramSpec MakeFunction(string name, ElfSection section, ulong offset, ulong size, SymbolBinding binding, bool isSubprogram)
    {
        if (size % 8 != 0)
            throw Error($"function {name} in {section.Name} is {size} bytes, not a whole number of 8-byte instructions");
        var bytes = section.Data.Span.Slice((int)offset, (int)size);
        Instruction[] instructions;
        SlotMap slots;
        try
        {
            instructions = InstructionDecoder.Decode(bytes, out slots);
        }
        catch (InvalidInstructionException e)
        {
            throw Error($"function {name} in {section.Name}: {e.Message}");
        }
        return new ProgramSpec(name, section, (long)offset, instructions, slots, binding, isSubprogram);
    }

    /// <summary>The function of <paramref name="sectionIndex"/> containing <paramref name="byteOffset"/>.</summary>
    private ProgramSpec? FunctionAt(int sectionIndex, long byteOffset)
    {
        if (!_functionsBySection.TryGetValue(sectionIndex, out var functions))
            return null;
        foreach (var f in functions)
            if (byteOffset >= f.ByteOffset && byteOffset < f.ByteOffset + f.SlotCount * 8L)
                return f;
        return null;
    }

    /// <summary>Pseudo calls without a relocation are PC-relative within their section (static functions of one section).</summary>
    private void ResolveLocalCalls(ProgramSpec f)
    {
        var relocated = RelocatedOffsets(f.Section);
        var slot = 0;
        foreach (var ins in f.Instructions)
        {
            var sectionOffset = f.ByteOffset + slot * 8L;
            if ((ins.IsPseudoCall || ins.PseudoSource == LdImm64Source.Func) && !relocated.Contains(sectionOffset))
            {
                var target = sectionOffset + (ins.Imm + 1L) * 8;
                var callee = FunctionAt(f.Section.Index, target)
                    ?? throw Error($"function {f.Name} in {f.SectionName} calls offset {target}, where no function of that section starts");
                if (callee.ByteOffset != target)
                    throw Error($"function {f.Name} in {f.SectionName} calls into the middle of {callee.Name}");
                // Recorded like a relocated call, so a linker finds every call target in one place.
                var kind = ins.IsPseudoCall ? RelocationKind.Call : RelocationKind.FunctionAddress;
                f.AddRelocation(new ProgramRelocation(slot, kind, BpfRelocationType.None, callee.Name) { Target = callee });
                f.AddCallee(callee);
            }
            slot += ins.Slots;
        }
    }

    private readonly Dictionary<int, HashSet<long>> _relocatedOffsets = [];

    private HashSet<long> RelocatedOffsets(ElfSection section)
    {
        if (_relocatedOffsets.TryGetValue(section.Index, out var set))
            return set;
        set = [];
        foreach (var rel in _elf.RelocationSectionsFor(section))
            foreach (var r in _elf.ReadRelocations(rel))
                set.Add((long)r.Offset);
        return _relocatedOffsets[section.Index] = set;
    }

    private void ReadRelocations()
    {
        foreach (var (sectionIndex, _) in _functionsBySection)
        {
            var section = _elf.Section(sectionIndex);
            foreach (var rel in _elf.RelocationSectionsFor(section))
                foreach (var r in _elf.ReadRelocations(rel))
                    ApplyRelocation(section, r);
        }
    }

    private void ApplyRelocation(ElfSection section, ElfRelocation r)
    {
        var offset = (long)r.Offset;
        if (r.Offset > (ulong)section.Data.Length || offset % 8 != 0)
            throw Error($"relocation at offset {r.Offset} of {section.Name} is not at an instruction boundary");
        var f = FunctionAt(section.Index, offset)
            ?? throw Error($"relocation at offset {r.Offset} of {section.Name} lies outside every function");
        var slot = (int)((offset - f.ByteOffset) / 8);
        if (!f.Slots.TryGetIndexOfByteOffset(offset - f.ByteOffset, out var index))
            throw Error($"relocation at offset {r.Offset} of {section.Name} points into the middle of an instruction of {f.Name}");
        var ins = f.Instructions[index];
        var symbol = _elf.Symbol(r.SymbolIndex);
        string where = $"relocation of {f.Name}+{slot} ({section.Name}) against '{symbol.Name}'";

        switch (r.Type)
        {
            case BpfRelocationType.Bpf64_64:
                if (!ins.IsLoadImm64)
                    throw Error($"{where}: R_BPF_64_64 applies to a 64-bit immediate load, but the instruction there is not one");
                ApplyLoadImm64(f, slot, ins, symbol, r, where);
                break;
            case BpfRelocationType.Bpf64_32:
                if (!ins.IsPseudoCall && !ins.IsKfuncCall && !(ins.IsHelperCall && symbol.IsUndefined))
                    throw Error($"{where}: R_BPF_64_32 applies to a call, but the instruction there is not one");
                ApplyCall(f, slot, ins, symbol, r, where);
                break;
            case BpfRelocationType.None:
                break;
            default:
                throw Error($"{where}: relocation type {(uint)r.Type} is not supported in code sections");
        }
    }

    private void ApplyLoadImm64(ProgramSpec f, int slot, Instruction ins, ElfSymbol symbol, ElfRelocation r, string where)
    {
        if (symbol.IsUndefined)
        {
            // A Kconfig extern reads a slot of the .kconfig map the loader fills, like a global variable.
            if (_obj.Kconfig?.FindVariable(symbol.Name) is { } kconfig)
                f.AddRelocation(new ProgramRelocation(slot, RelocationKind.GlobalData, r.Type, symbol.Name)
                {
                    Data = _obj.Kconfig, DataOffset = kconfig.Offset + ins.Imm, Variable = kconfig,
                });
            else
                f.AddRelocation(new ProgramRelocation(slot, RelocationKind.Extern, r.Type, symbol.Name) { Extern = FindExtern(symbol.Name) });
            return;
        }
        if (symbol.IsSpecialSection)
            throw Error($"{where}: the symbol is in special section 0x{symbol.SectionIndex:x}, not in a map, data or code section");
        var target = _elf.Section(symbol.SectionIndex);
        if (_dataBySection.TryGetValue(target.Index, out var data))
        {
            var dataOffset = (long)symbol.Value + ins.Imm;
            if (dataOffset < 0 || dataOffset > data.Size)
                throw Error($"{where}: offset {dataOffset} lies outside {data.Name} ({data.Size} bytes)");
            f.AddRelocation(new ProgramRelocation(slot, RelocationKind.GlobalData, r.Type, symbol.Name)
            {
                Data = data, DataOffset = dataOffset, Variable = data.VariableAt(dataOffset),
            });
            return;
        }
        if (_mapsByLocation.TryGetValue((target.Index, (long)symbol.Value), out var map))
        {
            f.AddRelocation(new ProgramRelocation(slot, RelocationKind.Map, r.Type, symbol.Name) { Map = map });
            return;
        }
        if (target.IsExecutable)
        {
            var targetOffset = symbol.Type == SymbolType.Section ? (long)symbol.Value + ins.Imm : (long)symbol.Value;
            var callee = FunctionAt(target.Index, targetOffset)
                ?? throw Error($"{where}: no function starts at offset {targetOffset} of {target.Name}");
            f.AddRelocation(new ProgramRelocation(slot, RelocationKind.FunctionAddress, r.Type, symbol.Name) { Target = callee });
            f.AddCallee(callee);
            return;
        }
        if (target.Name is ".maps" or "maps" || target.Name.StartsWith("maps/", StringComparison.Ordinal))
            throw Error($"{where}: no map is defined at offset {symbol.Value} of {target.Name}");
        throw Error($"{where}: the symbol is in section {target.Name}, which is neither a map, global data nor code section");
    }

    private Externs.ExternSpec? FindExtern(string name) => _obj.Externs.FirstOrDefault(e => e.Name == name);

    private void ApplyCall(ProgramSpec f, int slot, Instruction ins, ElfSymbol symbol, ElfRelocation r, string where)
    {
        if (symbol.IsUndefined)
        {
            // A call to an extern function is a kfunc call: the loader resolves it against kernel BTF.
            f.AddRelocation(new ProgramRelocation(slot, RelocationKind.Extern, r.Type, symbol.Name) { Extern = FindExtern(symbol.Name) });
            return;
        }
        if (symbol.IsSpecialSection)
            throw Error($"{where}: the call target is in special section 0x{symbol.SectionIndex:x}");
        var target = _elf.Section(symbol.SectionIndex);
        if (!target.IsExecutable)
            throw Error($"{where}: the call target is in {target.Name}, which holds no code");
        // clang encodes the target as symbol value plus (imm + 1) instructions.
        var targetOffset = (long)symbol.Value + (ins.Imm + 1L) * 8;
        var callee = FunctionAt(target.Index, targetOffset)
            ?? throw Error($"{where}: no function starts at offset {targetOffset} of {target.Name}");
        if (callee.ByteOffset != targetOffset)
            throw Error($"{where}: the call lands in the middle of {callee.Name}");
        f.AddRelocation(new ProgramRelocation(slot, RelocationKind.Call, r.Type, symbol.Name) { Target = callee });
        f.AddCallee(callee);
    }
}
