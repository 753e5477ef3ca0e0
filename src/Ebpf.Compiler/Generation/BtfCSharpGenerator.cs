using System.Text;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.Generation;

/// <summary>
/// C# declarations of kernel types from BTF (what <c>bpftool btf dump format c</c> gives C programs as vmlinux.h):
/// the named types and everything they hold by value, as <see cref="Ebpf.Kernel.KernelTypeAttribute"/> structs with
/// explicit offsets, so the compiler relocates every field read (CO-RE) and managed runs see the same bytes.
/// </summary>
/// <remarks>
/// Mapping: names stay the kernel's (C# keywords get <c>@</c>; a member named as its struct gets a trailing '_' and
/// <c>[KernelName]</c>). Typedefs resolve to their types (C# has no typedefs; the C type is in a comment). Anonymous
/// struct and union members are flattened into their parent (C reads them as the parent's own members). Bitfields are
/// getter properties with <c>[KernelBitField]</c>. Arrays of integers and pointers are <c>fixed</c> buffers, arrays of
/// structs the first element with <c>[KernelArray(N)]</c>, flexible arrays a pointer property. Pointers to structs not
/// asked for are pointers to empty declarations (ask for the type to get its fields); function pointers are <c>void*</c>;
/// a named function becomes a delegate type with its prototype.
/// <para>
/// Indexing: a fixed buffer as C# indexes one (<c>task-&gt;comm[i]</c>); an array of structs with
/// <c>Unsafe.Add(ref sig-&gt;rlim, i).rlim_cur</c> (C's <c>sig-&gt;rlim[i].rlim_cur</c>): real memory in managed runs, one
/// call the compiler recognizes in the IL, and no new name per member. A constant index becomes a step of the CO-RE access
/// string and must be below N (else a build error); a variable one must carry its bound in the argument
/// (<c>i &amp; 15</c>, <c>(uint)i % 16</c>) and is scaled by the running kernel's element size. The member named alone
/// (<c>sig-&gt;rlim.rlim_cur</c>) is element 0. C# cannot make such a field an inline array without a new type per
/// (element, length) and Roslyn helpers in every program, so the generated layout stays the first element.
/// </para>
/// </remarks>
public sealed class BtfCSharpGenerator
{
    private readonly Btf _btf;
    private readonly string _namespace;
    private readonly Dictionary<int, string> _names = [];          // type id -> C# name of emitted (or opaque) types
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly List<int> _full = [];                           // composites and enums to write in full, in order
    private readonly HashSet<int> _fullSet = [];
    private readonly List<int> _opaque = [];
    private readonly List<int> _functions = [];
    private readonly HashSet<int> _written = [];                     // anonymous types written as nested ones (BTF shares identical ones)

    public BtfCSharpGenerator(Btf btf, string @namespace = "Kernel")
    {
        _btf = btf;
        _namespace = @namespace;
    }

    /// <summary>The C# source for <paramref name="typeNames"/> (structs, unions, enums, typedefs, functions) and what they need.</summary>
    public string Generate(IEnumerable<string> typeNames, string source)
    {
        foreach (var name in typeNames)
        {
            // Split (module) BTF: the module's own type over a base type of the same name.
            var candidates = _btf.FindAll(name).Where(t => t is BtfComposite or BtfEnumBase or BtfTypedef or BtfFunc)
                .OrderByDescending(t => t.Id >= _btf.BaseCount).ToList();
            if (candidates.Count == 0)
                throw new CompilerException($"{source} has no struct, union, enum, typedef or function named '{name}'; list what it has with 'bpftool btf dump file {source}'");
            // A complete definition over a forward declaration; the first of several otherwise.
            var type = candidates.First();
            if (type is BtfFunc func) { _functions.Add(func.Id); Require(func.Type); continue; }
            Want(_btf.Skip(type.Id).Id);
        }
        for (var i = 0; i < _full.Count; i++) // Want adds what each type holds by value while we walk
            Dependencies(_full[i]);
        return Write(source);
    }

    private void Want(int id)
    {
        var type = _btf[id];
        if (type is not (BtfComposite or BtfEnumBase) || _fullSet.Contains(id)) return;
        _fullSet.Add(id);
        _full.Add(id);
        _opaque.Remove(id);
    }

    /// <summary>Types reached through a function prototype: pointers and values alike only need a name.</summary>
    private void Require(int protoId)
    {
        if (_btf[protoId] is not BtfFuncProto proto) return;
        foreach (var id in proto.Parameters.Select(p => p.Type).Append(proto.ReturnType))
            if (_btf.Skip(id) is BtfComposite or BtfEnumBase) Want(_btf.Skip(id).Id);
    }

    private void Dependencies(int id)
    {
        if (_btf[id] is not BtfComposite c) return;
        foreach (var m in c.Members)
            ByValue(m.Type);
    }

    /// <summary>Types a member holds by value are written in full; a struct behind a pointer at least as a declaration.</summary>
    private void ByValue(int id)
    {
        var t = _btf.Skip(id);
        switch (t)
        {
            case BtfComposite or BtfEnumBase when t.Name.Length > 0: Want(t.Id); break;
            case BtfComposite anonymous: Dependencies(anonymous.Id); break; // flattened or nested: its members count
            case BtfArray a: ByValue(a.ElementType); break;
            case BtfPointer p when _btf.Skip(p.Type) is BtfComposite { Name.Length: > 0 } pointee && !_fullSet.Contains(pointee.Id) && !_opaque.Contains(pointee.Id):
                _opaque.Add(pointee.Id);
                break;
            case BtfPointer p when _btf.Skip(p.Type) is BtfForward { Name.Length: > 0 } forward:
                // A forward declaration: the definition elsewhere in this BTF, if any, is still only declared.
                if (_btf.FindAll(forward.Name).FirstOrDefault(x => x is BtfComposite) is { } def && !_fullSet.Contains(def.Id) && !_opaque.Contains(def.Id))
                    _opaque.Add(def.Id);
                break;
        }
    }

    private string Write(string source)
    {
        var w = new StringBuilder();
        w.AppendLine("// <auto-generated>");
        w.AppendLine($"// Kernel types from {source}, written by 'ebpf generate btf'. Field offsets are this kernel's; programs read");
        w.AppendLine("// them with CO-RE relocations, so they also run on kernels where fields moved. An array of structs ([KernelArray(N)],");
        w.AppendLine("// held as its first element) is indexed as Unsafe.Add(ref p->member, i).");
        w.AppendLine("// </auto-generated>");
        w.AppendLine("#pragma warning disable CS0169, CS0649, CS8500, CS8981, IDE1006");
        w.AppendLine("using System.Runtime.CompilerServices;");
        w.AppendLine("using System.Runtime.InteropServices;");
        w.AppendLine("using Ebpf.Kernel;");
        w.AppendLine();
        w.AppendLine($"namespace {_namespace};");
        // Names first: members refer to types declared later.
        foreach (var id in _full.Concat(_opaque)) NameOf(id);
        foreach (var id in _full)
        {
            w.AppendLine();
            if (_btf[id] is BtfEnumBase e) WriteEnum(w, e);
            else WriteComposite(w, (BtfComposite)_btf[id]);
        }
        foreach (var id in _opaque.Where(i => !_fullSet.Contains(i)))
        {
            var c = (BtfComposite)_btf[id];
            w.AppendLine();
            w.AppendLine($"/// <summary>{Kind(c)} {c.Name}: declared only; generate it with --type {c.Name} to read its fields.</summary>");
            w.AppendLine($"[KernelType(\"{c.Name}\"{(c is BtfUnion ? ", IsUnion = true" : "")})]");
            w.AppendLine($"public struct {_names[id]} {{ }}");
        }
        foreach (var id in _functions)
        {
            var f = (BtfFunc)_btf[id];
            var proto = (BtfFuncProto)_btf[f.Type];
            var parameters = proto.Parameters.Where(p => p.Type != 0).Select((p, i) => $"{ValueType(p.Type)} {Identifier(p.Name.Length > 0 ? p.Name : $"arg{i}")}");
            w.AppendLine();
            w.AppendLine($"/// <summary>The kernel function {f.Name}: {CDeclaration(proto.ReturnType)} {f.Name}({string.Join(", ", proto.Parameters.Select(p => p.Type == 0 ? "..." : CDeclaration(p.Type)))}).</summary>");
            w.AppendLine($"public unsafe delegate {(proto.ReturnType == 0 ? "void" : ValueType(proto.ReturnType))} {Identifier(f.Name)}({string.Join(", ", parameters)});");
        }
        return w.ToString();
    }

    private static string Kind(BtfType t) => t is BtfUnion ? "union" : t is BtfEnumBase ? "enum" : "struct";

    private string NameOf(int id)
    {
        if (_names.TryGetValue(id, out var known)) return known;
        var t = _btf[id];
        var name = t.Name.Length > 0 ? t.Name : TypedefName(id) ?? $"__anon_{id}";
        if (!_taken.Add(name))
        {
            name = $"{name}__{Kind(t)}";
            for (var i = 2; !_taken.Add(name); i++) name = $"{t.Name}__{Kind(t)}{i}";
        }
        return _names[id] = name;
    }

    /// <summary>An anonymous struct's name from the typedef that names it (typedef struct { ... } atomic_t).</summary>
    private string? TypedefName(int id)
    {
        for (var i = 1; i < _btf.Count; i++)
            if (_btf.KindOf(i) == BtfKind.Typedef && _btf[i] is BtfTypedef td && td.Type == id) return td.Name;
        return null;
    }

    private void WriteEnum(StringBuilder w, BtfEnumBase e)
    {
        var underlying = (e.Size, e.Signed) switch
        {
            (1, true) => "sbyte", (1, false) => "byte", (2, true) => "short", (2, false) => "ushort",
            (8, true) => "long", (8, false) => "ulong", (_, true) => "int", _ => "uint",
        };
        w.AppendLine($"/// <summary>enum {e.Name} ({e.Size} bytes).</summary>");
        if (e.Name.Length > 0) w.AppendLine($"[KernelType(\"{e.Name}\")]");
        w.AppendLine($"public enum {_names[e.Id]} : {underlying}");
        w.AppendLine("{");
        foreach (var v in e.Values)
        {
            // Unsigned enumerators are stored as their bits: 0xffffffff in a 4-byte enum is 4294967295, not -1.
            var value = e.Signed ? v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : (e.Size >= 8 ? (ulong)v.Value : (ulong)v.Value & ((1UL << (int)(e.Size * 8)) - 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            w.AppendLine($"    {Identifier(v.Name)} = {value},");
        }
        w.AppendLine("}");
    }

    private void WriteComposite(StringBuilder w, BtfComposite c)
    {
        var name = _names[c.Id];
        w.AppendLine($"/// <summary>{Kind(c)} {(c.Name.Length > 0 ? c.Name : "(anonymous)")} ({c.Size} bytes).</summary>");
        w.AppendLine($"[KernelType(\"{c.Name}\"{(c is BtfUnion ? ", IsUnion = true" : "")})]");
        w.AppendLine($"[StructLayout(LayoutKind.Explicit, Size = {Math.Max(1, c.Size)}, Pack = 1)]");
        w.AppendLine($"public unsafe partial struct {name}");
        w.AppendLine("{");
        var nested = new List<BtfComposite>();
        Members(w, c, 0, name, nested, c.Size);
        w.AppendLine("}");
        foreach (var n in nested.Where(n => _written.Add(n.Id))) { w.AppendLine(); WriteComposite(w, n); }
    }

    /// <summary>The members of <paramref name="c"/> at <paramref name="baseBit"/>: anonymous members flattened into the struct being written.</summary>
    private void Members(StringBuilder w, BtfComposite c, uint baseBit, string owner, List<BtfComposite> nested, uint ownerSize)
    {
        foreach (var m in c.Members)
        {
            var bit = baseBit + m.BitOffset;
            var type = _btf.Skip(m.Type);
            if (m.Name.Length == 0 && type is BtfComposite anonymous)
            {
                Members(w, anonymous, bit, owner, nested, ownerSize);
                continue;
            }
            var id = Identifier(m.Name);
            var renamed = m.Name == owner;
            if (renamed) id = m.Name + "_";
            var nameAttribute = renamed ? $"[KernelName(\"{m.Name}\")] " : "";
            var comment = $" // {CDeclaration(m.Type)}";
            if (m.BitfieldSize > 0 || bit % 8 != 0)
            {
                var bits = m.BitfieldSize > 0 ? m.BitfieldSize : (int)_btf.SizeOf(type.Id) * 8;
                var (ct, signed) = BitfieldType(type);
                w.AppendLine($"    {nameAttribute}[KernelBitField({bit}, {bits})] public readonly {ct} {id} => ({ct})Core.BitField(in this, {bit}, {bits}, signed: {(signed ? "true" : "false")});{comment}");
                continue;
            }
            var offset = bit / 8;
            switch (type)
            {
                case BtfArray array:
                {
                    var (element, count) = Flatten(array);
                    var e = _btf.Skip(element);
                    if (count == 0)
                    {
                        w.AppendLine($"    {nameAttribute}[KernelFlexibleArray({offset})] public readonly {ValueType(element)}* {id} => ({ValueType(element)}*)((byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in this)) + {offset});{comment}");
                        continue;
                    }
                    if (FixedElement(e) is { } primitive)
                    {
                        w.AppendLine($"    {nameAttribute}[FieldOffset({offset})] public fixed {primitive} {id}[{count}];{comment}");
                        continue;
                    }
                    if (e is BtfComposite { Name.Length: 0 } anonymousElement) nested.Add(Nest(anonymousElement, owner, m.Name));
                    w.AppendLine($"    {nameAttribute}[FieldOffset({offset}), KernelArray({count})] public {ValueType(element)} {id};{comment}; element i: Unsafe.Add(ref p->{id}, i)");
                    continue;
                }
                case BtfComposite { Name.Length: 0 } anonymousType:
                    nested.Add(Nest(anonymousType, owner, m.Name));
                    break;
            }
            w.AppendLine($"    {nameAttribute}[FieldOffset({offset})] public {ValueType(m.Type)} {id};{comment}");
        }
    }

    /// <summary>A named member of an anonymous struct type gets a type of its own, named after owner and member.</summary>
    private BtfComposite Nest(BtfComposite anonymous, string owner, string member)
    {
        if (!_names.ContainsKey(anonymous.Id))
        {
            var name = $"{owner}__{member}";
            for (var i = 2; !_taken.Add(name); i++) name = $"{owner}__{member}{i}";
            _names[anonymous.Id] = name;
        }
        return anonymous;
    }

    private (int Element, uint Count) Flatten(BtfArray array)
    {
        var count = array.Count;
        var element = array.ElementType;
        while (_btf.Skip(element) is BtfArray inner) { count *= inner.Count; element = inner.ElementType; }
        return (element, count);
    }

    /// <summary>The C# type a fixed buffer can hold for an element, or null (structs and the rest).</summary>
    private static string? FixedElement(BtfType e) => e switch
    {
        BtfInt i => IntType(i),
        BtfEnumBase en => IntType(en.Size, en.Signed),
        BtfPointer => "ulong",
        BtfFloat f => f.Size == 4 ? "float" : f.Size == 8 ? "double" : null,
        _ => null,
    } is { } s && s is not ("Int128" or "UInt128") ? s : null;

    private (string Type, bool Signed) BitfieldType(BtfType t) => t switch
    {
        BtfInt i when i.IsBool => ("bool", false),
        BtfInt i => (IntType(i), i.IsSigned),
        BtfEnumBase e => (_fullSet.Contains(e.Id) ? _names[e.Id] : IntType(e.Size, e.Signed), e.Signed),
        _ => ("ulong", false),
    };

    private static string IntType(BtfInt i) => i.IsBool && i.Size == 1 ? "bool" : IntType(i.Size, i.IsSigned);

    private static string IntType(uint size, bool signed) => (size, signed) switch
    {
        (1, true) => "sbyte", (1, false) => "byte", (2, true) => "short", (2, false) => "ushort",
        (4, true) => "int", (4, false) => "uint", (8, true) => "long", (8, false) => "ulong",
        (16, true) => "Int128", _ => "UInt128",
    };

    /// <summary>The C# type of a value of BTF type <paramref name="id"/> (a field, a parameter).</summary>
    private string ValueType(int id)
    {
        var t = _btf.Skip(id);
        return t switch
        {
            BtfVoid => "byte",
            BtfInt i => IntType(i),
            BtfFloat f => f.Size == 4 ? "float" : "double",
            BtfEnumBase e when _names.TryGetValue(e.Id, out var n) => n,
            BtfEnumBase e => IntType(e.Size, e.Signed),
            BtfComposite c when _names.TryGetValue(c.Id, out var n) => n,
            BtfPointer p => PointerType(p.Type),
            BtfArray => "byte", // only as a parameter, where C passes a pointer: not reached for members
            _ => "ulong",
        };
    }

    private string PointerType(int pointee)
    {
        var t = _btf.Skip(pointee);
        if (t is BtfForward { Name.Length: > 0 } f && _btf.FindAll(f.Name).FirstOrDefault(x => x is BtfComposite) is { } def) t = def;
        return t switch
        {
            BtfVoid or BtfFuncProto or BtfForward => "void*",
            BtfComposite c when _names.TryGetValue(c.Id, out var n) => n + "*",
            BtfComposite => "void*",
            BtfPointer p => PointerType(p.Type) + "*",
            BtfArray a => ValueType(a.ElementType) + "*",
            _ => ValueType(t.Id) + "*",
        };
    }

    /// <summary>The C spelling of a type, for comments.</summary>
    private string CDeclaration(int id, int depth = 0)
    {
        if (depth > 8) return "...";
        var t = _btf[id];
        return t switch
        {
            BtfVoid => "void",
            BtfPointer p => CDeclaration(p.Type, depth + 1) + " *",
            BtfConst c => "const " + CDeclaration(c.Type, depth + 1),
            BtfVolatile v => "volatile " + CDeclaration(v.Type, depth + 1),
            BtfArray a => $"{CDeclaration(a.ElementType, depth + 1)}[{a.Count}]",
            BtfFuncProto => "function",
            BtfComposite or BtfForward or BtfEnumBase when t.Name.Length > 0 => $"{(t is BtfUnion || t is BtfForward { IsUnion: true } ? "union" : t is BtfEnumBase ? "enum" : "struct")} {t.Name}",
            BtfReferenceType r when t.Name.Length == 0 => CDeclaration(r.Type, depth + 1),
            _ => t.Name.Length > 0 ? t.Name : Kind(t),
        };
    }

    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>A kernel name as a C# identifier: keywords escaped with '@' (the metadata name stays the kernel's).</summary>
    internal static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;
}
