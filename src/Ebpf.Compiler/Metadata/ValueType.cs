using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Ebpf.Compiler.Metadata;

/// <summary>A C# value type the compiler can hold in a BPF register: its size in bytes and signedness.</summary>
public sealed record BpfValueType(string Name, int Size, bool Signed, bool Supported = true)
{
    /// <summary>For a context parameter (<c>SkBuffContext</c>, ...): its kernel-side library type; the value is the context pointer.</summary>
    public Type? Context { get; init; }

    /// <summary>A pointer into the stack frame (the address of a local or argument).</summary>
    public bool Pointer { get; init; }

    /// <summary>For a [Map] field's value on the evaluation stack: which map.</summary>
    public CodeGen.MapInfo? Map { get; init; }

    public static BpfValueType Unsupported(string name) => new(name, 0, false, Supported: false);

    public override string ToString() => Name;
}

/// <summary>Decodes signatures into <see cref="BpfValueType"/>: the integer primitives, bool and char; anything else is unsupported.</summary>
internal sealed class ValueTypeProvider : ISignatureTypeProvider<BpfValueType, object?>
{
    public static readonly ValueTypeProvider Instance = new();

    public BpfValueType GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Boolean => new("bool", 1, false),
        PrimitiveTypeCode.Char => new("char", 2, false),
        PrimitiveTypeCode.SByte => new("sbyte", 1, true),
        PrimitiveTypeCode.Byte => new("byte", 1, false),
        PrimitiveTypeCode.Int16 => new("short", 2, true),
        PrimitiveTypeCode.UInt16 => new("ushort", 2, false),
        PrimitiveTypeCode.Int32 => new("int", 4, true),
        PrimitiveTypeCode.UInt32 => new("uint", 4, false),
        PrimitiveTypeCode.Int64 => new("long", 8, true),
        PrimitiveTypeCode.UInt64 => new("ulong", 8, false),
        PrimitiveTypeCode.IntPtr => new("nint", 8, true),
        PrimitiveTypeCode.UIntPtr => new("nuint", 8, false),
        PrimitiveTypeCode.Void => new("void", 0, false),
        _ => BpfValueType.Unsupported(typeCode.ToString().ToLowerInvariant()),
    };

    public BpfValueType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        BpfValueType.Unsupported(reader.GetString(reader.GetTypeDefinition(handle).Name));
    public BpfValueType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var reference = reader.GetTypeReference(handle);
        var name = reader.GetString(reference.Name);
        return KernelLibrary.Find(reader.GetString(reference.Namespace), name) switch
        {
            { } t when t.IsSubclassOf(typeof(Ebpf.Kernel.BpfContext)) => new BpfValueType(name, 8, false) { Context = t },
            { IsEnum: true } t => FromEnum(t),
            _ => BpfValueType.Unsupported(name),
        };
    }

    /// <summary>Kernel-side enums (verdicts, EtherType, ...) are their underlying integers.</summary>
    private BpfValueType FromEnum(Type t) => Type.GetTypeCode(Enum.GetUnderlyingType(t)) switch
    {
        TypeCode.Byte => GetPrimitiveType(PrimitiveTypeCode.Byte) with { Name = t.Name },
        TypeCode.SByte => GetPrimitiveType(PrimitiveTypeCode.SByte) with { Name = t.Name },
        TypeCode.UInt16 => GetPrimitiveType(PrimitiveTypeCode.UInt16) with { Name = t.Name },
        TypeCode.Int16 => GetPrimitiveType(PrimitiveTypeCode.Int16) with { Name = t.Name },
        TypeCode.UInt32 => GetPrimitiveType(PrimitiveTypeCode.UInt32) with { Name = t.Name },
        TypeCode.Int32 => GetPrimitiveType(PrimitiveTypeCode.Int32) with { Name = t.Name },
        TypeCode.UInt64 => GetPrimitiveType(PrimitiveTypeCode.UInt64) with { Name = t.Name },
        _ => GetPrimitiveType(PrimitiveTypeCode.Int64) with { Name = t.Name },
    };
    public BpfValueType GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => BpfValueType.Unsupported("generic type");
    public BpfValueType GetSZArrayType(BpfValueType elementType) => BpfValueType.Unsupported(elementType.Name + "[]");
    public BpfValueType GetArrayType(BpfValueType elementType, ArrayShape shape) => BpfValueType.Unsupported(elementType.Name + "[,]");
    public BpfValueType GetByReferenceType(BpfValueType elementType) => BpfValueType.Unsupported("ref " + elementType.Name);
    public BpfValueType GetPointerType(BpfValueType elementType) => BpfValueType.Unsupported(elementType.Name + "*");
    public BpfValueType GetGenericInstantiation(BpfValueType genericType, ImmutableArray<BpfValueType> typeArguments) => BpfValueType.Unsupported(genericType.Name + "<>");
    public BpfValueType GetGenericMethodParameter(object? context, int index) => BpfValueType.Unsupported("!!" + index);
    public BpfValueType GetGenericTypeParameter(object? context, int index) => BpfValueType.Unsupported("!" + index);
    public BpfValueType GetFunctionPointerType(MethodSignature<BpfValueType> signature) => BpfValueType.Unsupported("function pointer");
    public BpfValueType GetModifiedType(BpfValueType modifier, BpfValueType unmodifiedType, bool isRequired) => unmodifiedType;
    public BpfValueType GetPinnedType(BpfValueType elementType) => elementType;
}
