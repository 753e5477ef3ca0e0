using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Ebpf.Compiler.Metadata;

/// <summary>A C# value type the compiler can hold in a BPF register: its size in bytes and signedness.</summary>
public sealed record BpfValueType(string Name, int Size, bool Signed, bool Supported = true)
{
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
    public BpfValueType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        BpfValueType.Unsupported(reader.GetString(reader.GetTypeReference(handle).Name));
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
