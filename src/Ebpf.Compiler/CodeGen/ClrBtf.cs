using System.Reflection;
using System.Runtime.CompilerServices;
using Ebpf.Compiler.Lowering;
using Ebpf.Kernel;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// BTF for the C# types of map keys and values (integers, enums, bool, structs, fixed buffers), with the layout the
/// compiler uses, so bpftool and <c>ebpf map dump</c> show a map's fields by name and the kernel checks the sizes.
/// </summary>
internal sealed class ClrBtf(BtfBuilder btf)
{
    private readonly Dictionary<Type, int> _ids = [];

    public int Of(Type type)
    {
        if (_ids.TryGetValue(type, out var id)) return id;
        id = type.IsPointer || type.IsByRef ? Pointer(type.GetElementType()!)
            : KernelTypes.IsKernelType(type) || type.IsEnum && type.IsDefined(typeof(KernelTypeAttribute)) ? Kernel(type)
            : type.IsEnum ? Enum(type) : type.IsPrimitive ? Primitive(type) : Struct(type);
        return _ids[type] = id;
    }

    /// <summary>
    /// The prototype of a program or function as C would declare it: <c>SkbVerdict Egress(struct __sk_buff *skb)</c>.
    /// A context is a pointer to the kernel's struct, declared by name only: the kernel matches the context by name.
    /// </summary>
    public int Prototype(MethodInfo method)
    {
        var parameters = method.GetParameters().Select(p => new BtfParam(CName(p.Name ?? "arg"), ParameterType(p.ParameterType))).ToList();
        var returns = method.ReturnType == typeof(void) ? 0 : Layout.IsScalar(method.ReturnType) && !method.ReturnType.IsPointer ? Of(method.ReturnType) : 0;
        return btf.Add(new BtfFuncProto { ReturnType = returns, Parameters = parameters });
    }

    /// <summary>
    /// A kfunc's prototype as clang writes it for an extern declaration, so libbpf can check it against the kernel's:
    /// a pointer to a kernel type points at the struct itself (libbpf refuses a forward where the kernel has a struct),
    /// ref/in/out parameters are pointers, integers keep their sizes.
    /// </summary>
    public int KfuncPrototype(MethodInfo method)
    {
        var parameters = method.GetParameters().Select(p => new BtfParam(CName(p.Name ?? "arg"), KfuncType(p.ParameterType))).ToList();
        var returns = method.ReturnType == typeof(void) ? 0 : KfuncType(method.ReturnType);
        return btf.Add(new BtfFuncProto { ReturnType = returns, Parameters = parameters });
    }

    private int KfuncType(Type type) => type.IsPointer || type.IsByRef
        ? btf.Add(new BtfPointer { Type = type.GetElementType() is { } e && e != typeof(void) ? Of(e) : 0 })
        : Of(type);

    private int ParameterType(Type type)
    {
        if (type.GetCustomAttribute<Ebpf.Kernel.KernelStructAttribute>() is { } kernel)
        {
            if (!_contexts.TryGetValue(kernel.Name, out var id))
                _contexts[kernel.Name] = id = btf.Add(new BtfPointer { Type = btf.Add(new BtfForward { Name = kernel.Name }) });
            return id;
        }
        if (type.IsPointer || type.IsByRef)
            return btf.Add(new BtfPointer { Type = type.GetElementType() is { } e && e != typeof(void) ? Of(e) : 0 });
        return Of(type);
    }

    private readonly Dictionary<string, int> _contexts = [];
    private readonly Dictionary<(string, bool), int> _forwards = [];

    /// <summary>
    /// A pointer: to a struct, a forward declaration of it (CO-RE only asks that both sides are pointers, and a forward
    /// keeps self-referencing kernel types from pulling their whole graph into the object); void* for void.
    /// </summary>
    private int Pointer(Type pointee)
    {
        if (pointee == typeof(void)) return btf.Add(new BtfPointer { Type = 0 });
        if (pointee.IsValueType && !pointee.IsPrimitive && !pointee.IsEnum && !pointee.IsPointer)
        {
            var key = (KernelTypes.IsKernelType(pointee) ? KernelTypes.NameOf(pointee) : CName(pointee.Name), KernelTypes.IsUnion(pointee));
            if (!_forwards.TryGetValue(key, out var forward))
                _forwards[key] = forward = btf.Add(new BtfForward { Name = key.Item1, IsUnion = key.Item2 });
            return btf.Add(new BtfPointer { Type = forward });
        }
        return btf.Add(new BtfPointer { Type = Of(pointee) });
    }

    /// <summary>
    /// A kernel type as the kernel names and lays it out: its members from <see cref="KernelTypes"/> (the order CO-RE
    /// access strings index), bitfields with their widths, fixed buffers and [KernelArray] members as arrays, flexible
    /// arrays as arrays of 0; a kernel enum with its enumerators in declaration order (enum relocations index them).
    /// </summary>
    private int Kernel(Type t)
    {
        var name = KernelTypes.NameOf(t);
        if (t.IsEnum)
        {
            var signed = Layout.IsSigned(t);
            var values = t.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken)
                .Select(f => new BtfEnumValue(f.Name, signed ? Convert.ToInt64(f.GetRawConstantValue()) : (long)Convert.ToUInt64(f.GetRawConstantValue()))).ToList();
            var size = (uint)Layout.SizeOf(t);
            return size == 8
                ? btf.Add(new BtfEnum64 { Name = name, Size = size, Signed = signed, Values = values })
                : btf.Add(new BtfEnum { Name = name, Size = size, Signed = signed, Values = values });
        }
        var members = new List<BtfMember>();
        foreach (var m in KernelTypes.MembersOf(t))
        {
            int type;
            if (m.ArrayCount >= 0)
                type = btf.Add(new BtfArray { ElementType = Of(m.ElementType), IndexType = Index, Count = (uint)m.ArrayCount });
            else
                type = Of(m.Type);
            members.Add(new BtfMember(m.Name, type, (uint)m.BitOffset, (byte)m.BitfieldSize));
        }
        var bitfields = members.Any(m => m.BitfieldSize > 0);
        var bytes = (uint)Layout.SizeOf(t);
        return KernelTypes.IsUnion(t)
            ? btf.Add(new BtfUnion { Name = name, Size = bytes, Members = members, HasBitfieldSizes = bitfields })
            : btf.Add(new BtfStruct { Name = name, Size = bytes, Members = members, HasBitfieldSizes = bitfields });
    }

    private int Primitive(Type t)
    {
        var size = (uint)Layout.SizeOf(t);
        var encoding = t == typeof(bool) ? BtfIntEncoding.Bool : Layout.IsSigned(t) ? BtfIntEncoding.Signed : BtfIntEncoding.None;
        var name = Type.GetTypeCode(t) switch
        {
            TypeCode.Boolean => "bool", TypeCode.Char => "char16", TypeCode.SByte => "sbyte", TypeCode.Byte => "byte",
            TypeCode.Int16 => "short", TypeCode.UInt16 => "ushort", TypeCode.Int32 => "int", TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long", TypeCode.UInt64 => "ulong", _ => t == typeof(nint) ? "nint" : "nuint",
        };
        return btf.Add(new BtfInt { Name = name, Size = size, Bits = (byte)(size * 8), Encoding = encoding });
    }

    private int Enum(Type t)
    {
        var size = (uint)Layout.SizeOf(t);
        var signed = Layout.IsSigned(t);
        var values = System.Enum.GetValues(t).Cast<object>()
            .Select(v => new BtfEnumValue(CName(System.Enum.GetName(t, v)!), signed ? Convert.ToInt64(v) : (long)Convert.ToUInt64(v))).ToList();
        return size == 8
            ? btf.Add(new BtfEnum64 { Name = CName(t.Name), Size = size, Signed = signed, Values = values })
            : btf.Add(new BtfEnum { Name = CName(t.Name), Size = size, Signed = signed, Values = values });
    }

    private int Struct(Type t)
    {
        var members = new List<BtfMember>();
        foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken))
        {
            var offset = (uint)Layout.OffsetOf(field) * 8;
            // A fixed buffer is a generated struct of one element with the buffer's size: an array in C.
            var type = field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer
                ? btf.Add(new BtfArray { ElementType = Of(buffer.ElementType), IndexType = Index, Count = (uint)(Layout.SizeOf(field.FieldType) / Layout.SizeOf(buffer.ElementType)) })
                : Of(field.FieldType);
            members.Add(new BtfMember(CName(field.Name), type, offset));
        }
        return btf.Add(new BtfStruct { Name = CName(t.Name), Size = (uint)Layout.SizeOf(t), Members = members });
    }

    private int _index;
    private int Index => _index != 0 ? _index : _index = btf.Add(new BtfInt { Name = "__ARRAY_SIZE_TYPE__", Size = 4, Bits = 32 });

    /// <summary>A C identifier: a record's backing field "&lt;W0&gt;k__BackingField" is "W0"; other characters become '_'.</summary>
    private static string CName(string name)
    {
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var end) name = name[1..end];
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var result = new string(chars);
        return result.Length > 0 && char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }
}
