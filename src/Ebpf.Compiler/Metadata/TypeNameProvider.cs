using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Ebpf.Compiler.Metadata;

/// <summary>Decodes a type signature to the kernel-side library type it names (generic instantiations to their definition).</summary>
internal sealed class TypeNameProvider : ISignatureTypeProvider<Type?, object?>
{
    public static readonly TypeNameProvider Instance = new();

    public Type? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var reference = reader.GetTypeReference(handle);
        return KernelLibrary.Find(reader.GetString(reference.Namespace), reader.GetString(reference.Name));
    }

    public Type? GetGenericInstantiation(Type? genericType, ImmutableArray<Type?> typeArguments) => genericType;
    public Type? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
    public Type? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => null;
    public Type? GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => null;
    public Type? GetSZArrayType(Type? elementType) => null;
    public Type? GetArrayType(Type? elementType, ArrayShape shape) => null;
    public Type? GetByReferenceType(Type? elementType) => null;
    public Type? GetPointerType(Type? elementType) => null;
    public Type? GetGenericMethodParameter(object? context, int index) => null;
    public Type? GetGenericTypeParameter(object? context, int index) => null;
    public Type? GetFunctionPointerType(MethodSignature<Type?> signature) => null;
    public Type? GetModifiedType(Type? modifier, Type? unmodifiedType, bool isRequired) => unmodifiedType;
    public Type? GetPinnedType(Type? elementType) => elementType;
}
