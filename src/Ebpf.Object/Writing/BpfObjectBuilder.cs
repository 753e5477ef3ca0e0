using System.Text;
using Ebpf.Asm;
using Ebpf.Object.Btf;
using Ebpf.Object.Data;
using Ebpf.Object.Sections;

namespace Ebpf.Object.Writing;

/// <summary>
/// Writes a BPF ELF object laid out as <c>clang -O2 -g -target bpf</c> lays it out: code sections with their
/// <c>.rel</c> sections, global data, <c>.maps</c> with BTF-defined maps, <c>license</c>, <c>.BTF</c> (FUNCs, VARs,
/// DATASECs) and <c>.BTF.ext</c> (func_info, line_info), and a symbol table with locals before globals. libbpf,
/// bpftool and this library's loader read the result. Bad input throws <see cref="ObjectBuildException"/> (or
/// <see cref="InvalidSectionNameException"/>) when it is added where it can be seen then, otherwise from <see cref="Build"/>.
/// </summary>
public sealed partial class BpfObjectBuilder
{
    internal const string TextSection = ".text";

    private readonly WriterTypes _types;
    private readonly List<FunctionLayout> _functions = [];
    private readonly List<MapLayout> _maps = [];
    private readonly List<DataSectionLayout> _dataSections = [];
    private readonly Dictionary<string, VariableLayout> _variables = new(StringComparer.Ordinal);
    private readonly List<(string Name, int FuncId, bool Weak)> _kfuncs = [];
    private readonly Dictionary<string, string> _symbolKinds = new(StringComparer.Ordinal);
    private int _mapsSize;
    private byte[]? _built;

    public BpfObjectBuilder() { _types = new WriterTypes(Btf); }

    /// <summary>The object's BTF: add key, value, variable and prototype types here and pass their ids.</summary>
    public BtfBuilder Btf { get; } = new();

    /// <summary>Contents of the <c>license</c> section ("GPL", "Dual BSD/GPL", ...); null writes no license section.</summary>
    public string? License { get; set; }

    /// <summary>Contents of the <c>version</c> section, which only very old kernels read; null writes none.</summary>
    public uint? KernelVersion { get; set; }

    /// <summary>The programs' log lines, written to the non-allocated .ebpf.logs section when there are any.</summary>
    public List<Logs.LogSite> LogSites { get; } = [];

    /// <summary>Name of the FILE symbol (the source file), as clang writes one; null writes none.</summary>
    public string? SourceFileName { get; set; }

    /// <summary>Adds an entry program in <paramref name="section"/>, which must be a name of the section table.</summary>
    public void AddProgram(string section, FunctionDefinition program)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(program);
        CheckOpen();
        if (section == TextSection || section.StartsWith('.'))
            throw new ObjectBuildException($"program '{program.Name}': section '{section}' holds no programs; give a program section such as \"cgroup_skb/egress\", or add the function with AddSubprogram");
        SectionTable.Resolve(section, program.Name);
        AddFunction(program, section, isProgram: true);
    }

    /// <summary>Adds a function to .text, called from programs with <see cref="CodeRelocation.Call"/>.</summary>
    public void AddSubprogram(FunctionDefinition subprogram)
    {
        ArgumentNullException.ThrowIfNull(subprogram);
        CheckOpen();
        AddFunction(subprogram, TextSection, isProgram: false);
    }

    /// <summary>Adds a BTF-defined map to .maps.</summary>
    public void AddMap(MapDefinition map)
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckOpen();
        ClaimName(map.Name, "map");
        if (map.KeyTypeId is { } k) CheckTypeId(k, $"map '{map.Name}': key type");
        if (map.ValueTypeId is { } v) CheckTypeId(v, $"map '{map.Name}': value type");
        var (varId, size) = MapBtf.Add(Btf, _types, map);
        _maps.Add(new MapLayout(map, _mapsSize, size, varId));
        _mapsSize += size;
    }

    /// <summary>
    /// Adds a global variable to a data section (.data, .rodata, .bss or .data.NAME, ...), of BTF type
    /// <paramref name="typeId"/>, with its initial bytes (zeros for .bss); its size is their length.
    /// <paramref name="alignment"/> 0 means natural alignment for the size.
    /// </summary>
    public void AddVariable(string section, string name, int typeId, ReadOnlySpan<byte> initialValue, bool isStatic = false, int alignment = 0)
    {
        ArgumentNullException.ThrowIfNull(section);
        CheckOpen();
        if (!DataSection.IsDataSectionName(section, out var kind))
            throw new ObjectBuildException($"variable '{name}': '{section}' is not a global-data section; use .data, .rodata, .bss or a named one such as .data.counters");
        if (kind == DataSectionKind.Bss && initialValue.IndexOfAnyExcept((byte)0) >= 0)
            throw new ObjectBuildException($"variable '{name}': {section} is zero-filled, but the initial value has non-zero bytes; put the variable in .data (or .rodata)");
        if (initialValue.Length == 0)
            throw new ObjectBuildException($"variable '{name}': it has no bytes; pass its initial value (zeros for .bss) so its size is known");
        if (alignment < 0 || alignment > 4096 || (alignment & (alignment - 1)) != 0)
            throw new ObjectBuildException($"variable '{name}': alignment {alignment} is not a power of two up to 4096 (0 picks the natural alignment)");
        CheckTypeId(typeId, $"variable '{name}'");
        ClaimName(name, "variable");
        var data = _dataSections.FirstOrDefault(d => d.Name == section);
        if (data is null) _dataSections.Add(data = new DataSectionLayout(section, kind));
        var offset = data.Append(initialValue, alignment == 0 ? DataSectionLayout.NaturalAlignment(initialValue.Length) : alignment);
        var varId = Btf.Add(new BtfVar { Name = name, Type = typeId, Linkage = isStatic ? BtfLinkage.Static : BtfLinkage.Global });
        var variable = new VariableLayout(name, data, offset, initialValue.Length, typeId, varId, isStatic);
        data.Variables.Add(variable);
        _variables.Add(name, variable);
    }

    /// <summary>
    /// Declares a kernel function the programs call (a kfunc), as clang declares <c>extern ... __ksym</c>: a BTF FUNC with
    /// extern linkage and the prototype <paramref name="protoTypeId"/> in the DATASEC <c>.ksyms</c>, and an undefined symbol
    /// (weak when <paramref name="weak"/>: the object then loads on kernels without it). Calls refer to it with
    /// <see cref="CodeRelocation.Kfunc"/>, existence checks with <see cref="CodeRelocation.KfuncAddress"/>.
    /// </summary>
    public void AddKfunc(string name, int protoTypeId, bool weak = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckOpen();
        CheckTypeId(protoTypeId, $"kfunc '{name}': prototype");
        ClaimName(name, "kfunc");
        var funcId = Btf.Add(new BtfFunc { Name = name, Type = protoTypeId, Linkage = BtfLinkage.Extern });
        _kfuncs.Add((name, funcId, weak));
    }

    private void AddFunction(FunctionDefinition f, string section, bool isProgram)
    {
        var what = isProgram ? $"program '{f.Name}' ({section})" : $"subprogram '{f.Name}'";
        if (f.Instructions is null || f.Instructions.Count == 0)
            throw new ObjectBuildException($"{what} has no instructions; every function ends with at least an exit");
        if (f.ProtoTypeId is { } proto) CheckTypeId(proto, $"{what}: prototype");
        CheckRelocations(f, what);
        CheckLines(f, what);
        foreach (var r in f.CoreRelocations)
        {
            if (r.InstructionIndex < 0 || r.InstructionIndex >= f.Instructions.Count)
                throw new ObjectBuildException($"{what}: CO-RE relocation \"{r.AccessString}\" is at instruction {r.InstructionIndex}, but the function has {f.Instructions.Count} instructions");
            CheckTypeId(r.TypeId, $"{what}: CO-RE relocation \"{r.AccessString}\"");
        }
        ClaimName(f.Name, isProgram ? "program" : "subprogram");
        var funcId = Btf.Add(new BtfFunc
        {
            Name = f.Name,
            Type = f.ProtoTypeId ?? _types.DefaultProto,
            Linkage = f.IsStatic && !isProgram ? BtfLinkage.Static : BtfLinkage.Global,
        });
        _functions.Add(new FunctionLayout(f, section, isProgram, funcId));
    }

    private static void CheckRelocations(FunctionDefinition f, string what)
    {
        var seen = new HashSet<int>();
        foreach (var r in f.Relocations)
        {
            if (r.InstructionIndex < 0 || r.InstructionIndex >= f.Instructions.Count)
                throw new ObjectBuildException($"{what}: relocation to '{r.Target}' is at instruction {r.InstructionIndex}, but the function has {f.Instructions.Count} instructions (indices 0..{f.Instructions.Count - 1})");
            if (!seen.Add(r.InstructionIndex))
                throw new ObjectBuildException($"{what}: instruction {r.InstructionIndex} has two relocations; an instruction refers to one map, variable or function");
            if (r.Addend != 0 && r.Kind != CodeRelocationKind.Variable)
                throw new ObjectBuildException($"{what}: the relocation to '{r.Target}' at instruction {r.InstructionIndex} has offset {r.Addend}; only variable references take one");
            var ins = f.Instructions[r.InstructionIndex];
            var call = r.Kind is CodeRelocationKind.Call or CodeRelocationKind.Kfunc;
            var ok = call ? ins.IsCall : ins.IsLoadImm64;
            if (!ok)
                throw new ObjectBuildException($"{what}: the relocation to '{r.Target}' ({r.Kind}) is at instruction {r.InstructionIndex} '{ins}', which is not {(call ? "a call" : "a 64-bit immediate load (LD_IMM64)")}");
        }
    }

    private static void CheckLines(FunctionDefinition f, string what)
    {
        var previous = -1;
        foreach (var l in f.Lines)
        {
            if (l.InstructionIndex < 0 || l.InstructionIndex >= f.Instructions.Count)
                throw new ObjectBuildException($"{what}: line {l.FileName}:{l.Line} is at instruction {l.InstructionIndex}, but the function has {f.Instructions.Count} instructions");
            if (previous < 0 && l.InstructionIndex != 0)
                throw new ObjectBuildException($"{what}: its first line info is at instruction {l.InstructionIndex}; the kernel wants one at instruction 0 of every function that has any");
            if (l.InstructionIndex <= previous)
                throw new ObjectBuildException($"{what}: line infos must be in increasing instruction order, one per instruction; instruction {l.InstructionIndex} follows {previous}");
            if (l.Line < 0 || l.Line > BtfLineInfo.MaxLine || l.Column < 0 || l.Column > BtfLineInfo.MaxColumn)
                throw new ObjectBuildException($"{what}: line {l.FileName}:{l.Line}:{l.Column} does not fit line_info (line below 2^22, column below 1024)");
            ArgumentNullException.ThrowIfNull(l.FileName);
            ArgumentNullException.ThrowIfNull(l.LineText);
            previous = l.InstructionIndex;
        }
    }

    private void ClaimName(string name, string kind)
    {
        if (!IsIdentifier(name))
            throw new ObjectBuildException($"{kind} name '{name}' is not a C identifier (letters, digits, '_', not starting with a digit); the kernel refuses other names in BTF. Rename it");
        if (_symbolKinds.TryGetValue(name, out var previous))
            throw new ObjectBuildException($"{kind} '{name}': the name is already used by a {previous}; every program, subprogram, map and variable needs its own name");
        _symbolKinds.Add(name, kind);
    }

    private void CheckTypeId(int id, string what)
    {
        if (id <= 0 || id >= Btf.Count)
            throw new ObjectBuildException($"{what}: BTF type id {id} does not exist (ids 1..{Btf.Count - 1} are defined); add the type to Btf first and pass the id it returns");
    }

    private void CheckOpen()
    {
        if (_built is not null)
            throw new ObjectBuildException("the object was already built; make a new BpfObjectBuilder to write another");
    }

    internal static bool IsIdentifier(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 511 || char.IsAsciiDigit(s[0])) return false;
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    private static byte[] Utf8Z(string s) => [.. Encoding.UTF8.GetBytes(s), 0];
}
