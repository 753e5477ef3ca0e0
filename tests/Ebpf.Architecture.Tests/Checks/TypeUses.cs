using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Ebpf.Architecture.Tests;

/// <summary>
/// The types of its own assembly that a method or type uses: every metadata token in its IL (calls, field accesses,
/// type tokens, casts, ldtoken), its signature and locals, caught exception types, and for a type its base type,
/// interfaces, fields, generic constraints and attributes. Generic instantiations are decoded to their arguments.
/// </summary>
internal sealed class TypeUses(PEReader pe, MetadataReader md)
{
    private static readonly Dictionary<ushort, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => (ushort)o.Value, o => o.OperandType);

    public HashSet<TypeDefinitionHandle> OfMethod(MethodDefinitionHandle handle)
    {
        var used = new HashSet<TypeDefinitionHandle>();
        var provider = new Collector(md, used);
        var method = md.GetMethodDefinition(handle);
        method.DecodeSignature(provider, null);
        foreach (var attribute in method.GetCustomAttributes()) Add(md.GetCustomAttribute(attribute).Constructor, used);
        if (method.RelativeVirtualAddress == 0) return used;
        var body = pe.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        foreach (var region in body.ExceptionRegions)
            if (!region.CatchType.IsNil) Add(region.CatchType, used);
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int at = il.Offset;
            ushort code = il.ReadByte();
            if (code == 0xFE) code = (ushort)(0xFE00 | il.ReadByte());
            if (!Operands.TryGetValue(code, out var operand))
                throw new InvalidOperationException($"{Names.Of(md, method.GetDeclaringType())}.{md.GetString(method.Name)}: no IL opcode 0x{code:X2} at IL_{at:X4}");
            switch (operand)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString: il.Offset += 4; break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before the offset is: "Offset += 4 * ReadInt32()" would lose the count
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    Add(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                    break;
                default: throw new InvalidOperationException($"IL opcode 0x{code:X} has an operand these tests do not decode");
            }
        }
        return used;
    }

    /// <summary>What a type's declaration uses, apart from its methods' bodies and signatures.</summary>
    public HashSet<TypeDefinitionHandle> OfTypeDeclaration(TypeDefinitionHandle handle)
    {
        var used = new HashSet<TypeDefinitionHandle>();
        var provider = new Collector(md, used);
        var type = md.GetTypeDefinition(handle);
        if (!type.BaseType.IsNil) Add(type.BaseType, used);
        foreach (var i in type.GetInterfaceImplementations()) Add(md.GetInterfaceImplementation(i).Interface, used);
        foreach (var f in type.GetFields()) md.GetFieldDefinition(f).DecodeSignature(provider, null);
        foreach (var attribute in type.GetCustomAttributes()) Add(md.GetCustomAttribute(attribute).Constructor, used);
        foreach (var p in type.GetGenericParameters())
            foreach (var c in md.GetGenericParameter(p).GetConstraints()) Add(md.GetGenericParameterConstraint(c).Type, used);
        return used;
    }

    private void Add(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        var provider = new Collector(md, used);
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition: used.Add((TypeDefinitionHandle)handle); break;
            case HandleKind.TypeSpecification: md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null); break;
            case HandleKind.MethodDefinition: used.Add(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()); break;
            case HandleKind.FieldDefinition: used.Add(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()); break;
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)handle);
                Add(member.Parent, used);
                if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(provider, null);
                else member.DecodeFieldSignature(provider, null);
                break;
            case HandleKind.MethodSpecification:
                var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                Add(spec.Method, used);
                spec.DecodeSignature(provider, null);
                break;
            case HandleKind.StandaloneSignature:
                md.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(provider, null);
                break;
            // TypeReference, ModuleReference: other assemblies, which the reference table governs.
        }
    }

    /// <summary>Decodes signatures only to note the assembly's own types in them.</summary>
    private sealed class Collector(MetadataReader md, HashSet<TypeDefinitionHandle> used) : ISignatureTypeProvider<int, object?>
    {
        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) { used.Add(handle); return 0; }
        public int GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, context);
        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;
        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
        public int GetSZArrayType(int elementType) => 0;
        public int GetArrayType(int elementType, ArrayShape shape) => 0;
        public int GetByReferenceType(int elementType) => 0;
        public int GetPointerType(int elementType) => 0;
        public int GetPinnedType(int elementType) => 0;
        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
        public int GetGenericMethodParameter(object? context, int index) => 0;
        public int GetGenericTypeParameter(object? context, int index) => 0;
        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
    }
}
