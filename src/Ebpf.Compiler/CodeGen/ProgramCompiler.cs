using System.Reflection;
using Ebpf.Compiler.Lowering;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;
using Ebpf.Object.Writing;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Compiles a class of BPF programs into one object: every method with a program attribute becomes a program in
/// its section, every static [Map] field a BTF-defined map, and [License] the license. The class is inspected by
/// reflection (the attributes compute the section names, the field initializers the map sizes); its IL is read
/// from the assembly file.
/// </summary>
public static class ProgramCompiler
{
    public static byte[] Compile(Type programs)
    {
        using var input = AssemblyInput.Open(programs.Assembly.Location);
        Diagnostics.ProgramChecks.Check(input, programs); // before any attribute is constructed below: their errors become build errors
        var license = programs.GetCustomAttribute<LicenseAttribute>() ?? programs.Assembly.GetCustomAttribute<LicenseAttribute>()
            ?? throw new CompilerException($"{programs.FullName} has no [License(\"...\")] (on the class or the assembly); the kernel needs one, and GPL-only helpers need a GPL-compatible license");
        var builder = new BpfObjectBuilder { License = license.Name };
        var types = new ClrBtf(builder.Btf);
        var constants = new ConstantData(builder);
        var maps = new Dictionary<string, MapInfo>(StringComparer.Ordinal);
        foreach (var field in programs.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.GetCustomAttribute<MapAttribute>() is not { } attribute)
                continue;
            if (field.GetValue(null) is not KernelMap map)
                throw new CompilerException($"[Map] field {programs.Name}.{field.Name} must hold a map (e.g. new ArrayMap<ulong>(maxEntries: 2))");
            var info = new MapInfo(attribute.Name ?? field.Name, map.Type, map.KeySize, map.ValueSize, map.MaxEntries, (uint)map.Flags);
            maps[field.Name] = info;
            var (key, value) = KeyAndValueTypes(map.GetType());
            builder.AddMap(new MapDefinition(info.Name, (BpfMapType)info.Type, (uint)info.MaxEntries)
            {
                // Typed keys and values get BTF (fields by name in bpftool and `ebpf map dump`); the rest, sizes.
                KeyTypeId = key is null ? null : types.Of(key),
                ValueTypeId = value is null ? null : types.Of(value),
                KeySize = key is null && info.KeySize > 0 ? (uint)info.KeySize : null,
                ValueSize = value is null && info.ValueSize > 0 ? (uint)info.ValueSize : null,
                Flags = info.Flags,
                Pinning = attribute.Pinning == Ebpf.Kernel.MapPinning.ByName ? Ebpf.Object.Maps.MapPinType.ByName : Ebpf.Object.Maps.MapPinType.None,
            });
        }
        AddGlobals(programs, builder, types);
        var count = 0;
        var kfuncs = new HashSet<string>(StringComparer.Ordinal);
        var sources = new SourceFiles();
        var logs = new LogLines();
        foreach (var method in programs.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<ProgramAttribute>(inherit: true) is not { } program)
                continue;
            var compiled = FunctionCompiler.Compile(input, method, maps, DirectPacketAccess(program.Section), program.ReturnType,
                Ebpf.Object.Sections.SectionTable.TryResolve(program.Section, out var section, out _) ? section!.ProgramType : null, logs, program.Section);
            DeclareKfuncs(compiled, builder, types, kfuncs);
            builder.AddProgram(program.Section, new FunctionDefinition(method.Name, compiled.Instructions)
            {
                ProtoTypeId = types.Prototype(method),
                Relocations = compiled.MapRelocations.Select(r => CodeRelocation.Map(r.Index, r.Map))
                    .Concat(compiled.DataRelocations.Select(r => CodeRelocation.Variable(r.Index, constants.NameOf(r.Data))))
                    .Concat(compiled.GlobalRelocations.Select(r => CodeRelocation.Variable(r.Index, r.Field)))
                    .Concat(compiled.KfuncRelocations.Select(r => compiled.Instructions[r.Index].IsCall
                        ? CodeRelocation.Kfunc(r.Index, MethodLowering.KfuncName(r.Kfunc)) : CodeRelocation.KfuncAddress(r.Index, MethodLowering.KfuncName(r.Kfunc)))).ToList(),
                // line_info with the C# text, so the verifier's log and our refusals point at C# lines.
                Lines = compiled.Lines.Select(l => new SourceLine(l.Index, l.Location.File, sources.Line(l.Location), l.Location.Line, l.Location.Column)).ToList(),
                CoreRelocations = CoreRelocations.Of(compiled, types),
            });
            count++;
        }
        if (count == 0)
            throw new CompilerException($"{programs.FullName} has no method with a program attribute such as [CgroupSkb(CgroupSkbDirection.Egress)]");
        AddLogs(logs, builder, types);
        return builder.Build();
    }

    /// <summary>
    /// The kfuncs a program calls, each declared once per object by its kernel name: extern FUNC with the method's
    /// prototype in .ksyms and an undefined symbol, weak when any declaration of it is.
    /// </summary>
    private static void DeclareKfuncs(CompiledFunction compiled, BpfObjectBuilder builder, ClrBtf types, HashSet<string> declared)
    {
        foreach (var group in compiled.KfuncRelocations.Select(r => r.Kfunc).GroupBy(MethodLowering.KfuncName))
        {
            if (!declared.Add(group.Key)) continue;
            var weak = group.Any(m => m.GetCustomAttribute<KfuncAttribute>()!.Weak);
            builder.AddKfunc(group.Key, types.KfuncPrototype(group.First()), weak);
        }
    }

    /// <summary>Every global variable of the class with its initial value, in .data, .bss or .rodata as clang places C globals.</summary>
    private static void AddGlobals(Type programs, BpfObjectBuilder builder, ClrBtf types)
    {
        foreach (var field in GlobalVariables.Of(programs))
        {
            var bytes = GlobalVariables.InitialValue(field);
            builder.AddVariable(GlobalVariables.SectionOf(field, bytes), field.Name, types.Of(field.FieldType), bytes);
        }
    }

    /// <summary>
    /// What log lines need when a program has any: their ring buffer, the minimum level in .rodata (Trace until user space
    /// sets it before load), the count of lines a full buffer refused in .bss, and the site table.
    /// </summary>
    private static void AddLogs(LogLines logs, BpfObjectBuilder builder, ClrBtf types)
    {
        if (logs.Sites.Count == 0) return;
        builder.AddMap(new MapDefinition(logs.Map.Name, BpfMapType.Ringbuf, (uint)logs.Map.MaxEntries));
        builder.AddVariable(".rodata", Ebpf.Object.Logs.LogSiteTable.LevelVariable, types.Of(typeof(uint)), new byte[4]);
        builder.AddVariable(".bss", Ebpf.Object.Logs.LogSiteTable.LostVariable, types.Of(typeof(ulong)), new byte[8]);
        builder.LogSites.AddRange(logs.Sites);
    }

    /// <summary>The key and value types of a hash-like or array map (an array's key is its uint index); null where a map has none.</summary>
    private static (Type? Key, Type? Value) KeyAndValueTypes(Type map)
    {
        for (var t = map; t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType) continue;
            var definition = t.GetGenericTypeDefinition();
            if (definition == typeof(HashMapBase<,>)) return (t.GetGenericArguments()[0], t.GetGenericArguments()[1]);
            if (definition == typeof(ArrayMapBase<>)) return (typeof(uint), t.GetGenericArguments()[0]);
        }
        return (null, null);
    }

    /// <summary>Program types whose packets are read through data/data_end (socket filters and the rest use bpf_skb_load_bytes).</summary>
    private static bool DirectPacketAccess(string section) =>
        section.StartsWith("cgroup_skb/", StringComparison.Ordinal) || section == "cgroup/skb" || section.StartsWith("xdp", StringComparison.Ordinal)
        || section.StartsWith("tc", StringComparison.Ordinal) || section.StartsWith("netkit/", StringComparison.Ordinal)
        || section.StartsWith("sk_skb", StringComparison.Ordinal) || section.StartsWith("lwt_", StringComparison.Ordinal) || section == "flow_dissector"
        || section == "sk_msg";

    /// <summary>Constant bytes (printk formats, u8 literals) as static .rodata variables of type char[N], one per distinct content.</summary>
    private sealed class ConstantData(BpfObjectBuilder builder)
    {
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
        private int _char, _index;

        public string NameOf(byte[] bytes)
        {
            var key = Convert.ToHexString(bytes);
            if (_names.TryGetValue(key, out var name)) return name;
            if (_char == 0) _char = builder.Btf.Add(new Ebpf.Object.Btf.BtfInt { Name = "char", Size = 1, Bits = 8, Encoding = Ebpf.Object.Btf.BtfIntEncoding.Signed });
            if (_index == 0) _index = builder.Btf.Add(new Ebpf.Object.Btf.BtfInt { Name = "__ARRAY_SIZE_TYPE__", Size = 4, Bits = 32 });
            var array = builder.Btf.Add(new Ebpf.Object.Btf.BtfArray { ElementType = _char, IndexType = _index, Count = (uint)bytes.Length });
            name = $"__const_{_names.Count}";
            builder.AddVariable(".rodata", name, builder.Btf.Add(new Ebpf.Object.Btf.BtfConst { Type = array }), bytes, isStatic: true);
            return _names[key] = name;
        }
    }

    /// <summary>Source lines by file, read once; a file that is gone gives empty text (the line number still stands).</summary>
    private sealed class SourceFiles
    {
        private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);

        public string Line(SourceLocation location)
        {
            if (!_files.TryGetValue(location.File, out var lines))
            {
                try { lines = File.ReadAllLines(location.File); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { lines = []; }
                _files[location.File] = lines;
            }
            return location.Line >= 1 && location.Line <= lines.Length ? lines[location.Line - 1].Trim() : "";
        }
    }
}
