using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// What a call instruction's token names: a method of the compiled assembly (<see cref="User"/>), a member of the
/// kernel-side library (<see cref="Kernel"/>), or something else (the BCL, another library).
/// </summary>
internal readonly record struct CallTarget(string TypeName, string Name, MethodDefinitionHandle? User, bool Kernel)
{
    public override string ToString() => $"{TypeName}.{Name}";
}

/// <summary>Resolves call tokens; generic instantiations (MethodSpec, members of TypeSpecs) resolve to their definitions.</summary>
internal sealed class CallTargets(AssemblyInput input)
{
    private static readonly string KernelAssembly = typeof(BpfContext).Assembly.GetName().Name!;
    private readonly MetadataReader _md = input.Metadata;

    public CallTarget Resolve(int token) => Resolve(MetadataTokens.EntityHandle(token));

    private CallTarget Resolve(EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
            {
                var method = (MethodDefinitionHandle)handle;
                var definition = _md.GetMethodDefinition(method);
                return new(TypeName(definition.GetDeclaringType()), _md.GetString(definition.Name), method, false);
            }
            case HandleKind.MethodSpecification:
                return Resolve(_md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            case HandleKind.MemberReference:
            {
                var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                var name = _md.GetString(member.Name);
                var parent = member.Parent.Kind == HandleKind.TypeSpecification ? GenericDefinition((TypeSpecificationHandle)member.Parent) : member.Parent;
                return parent.Kind switch
                {
                    HandleKind.TypeReference => new(TypeName((TypeReferenceHandle)parent), name, null, IsKernel((TypeReferenceHandle)parent)),
                    HandleKind.TypeDefinition => new(TypeName((TypeDefinitionHandle)parent), name, Find((TypeDefinitionHandle)parent, member), false),
                    HandleKind.MethodDefinition => Resolve(parent), // a vararg call site
                    _ => new("?", name, null, false),
                };
            }
            default:
                return new("?", $"token 0x{MetadataTokens.GetToken(handle):x8}", null, false);
        }
    }

    /// <summary>The generic type of an instantiation such as HashMap&lt;uint, ulong&gt; (GENERICINST CLASS|VALUETYPE type args).</summary>
    private EntityHandle GenericDefinition(TypeSpecificationHandle spec)
    {
        var blob = _md.GetBlobReader(_md.GetTypeSpecification(spec).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
            return spec;
        blob.ReadByte(); // CLASS or VALUETYPE
        return blob.ReadTypeHandle();
    }

    /// <summary>The definition a member reference on a generic instance of our own type names: same name, same signature.</summary>
    private MethodDefinitionHandle? Find(TypeDefinitionHandle type, MemberReference member)
    {
        var signature = _md.GetBlobBytes(member.Signature);
        MethodDefinitionHandle? byName = null;
        var named = 0;
        foreach (var method in _md.GetTypeDefinition(type).GetMethods())
        {
            var definition = _md.GetMethodDefinition(method);
            if (!_md.StringComparer.Equals(definition.Name, _md.GetString(member.Name)))
                continue;
            if (_md.GetBlobBytes(definition.Signature).AsSpan().SequenceEqual(signature))
                return method;
            byName = method;
            named++;
        }
        return named == 1 ? byName : null;
    }

    private bool IsKernel(TypeReferenceHandle type)
    {
        var scope = _md.GetTypeReference(type).ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.TypeReference => IsKernel((TypeReferenceHandle)scope), // nested
            HandleKind.AssemblyReference => _md.StringComparer.Equals(_md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name, KernelAssembly),
            _ => false,
        };
    }

    private string TypeName(TypeDefinitionHandle type) => Plain(_md.GetString(_md.GetTypeDefinition(type).Name));
    private string TypeName(TypeReferenceHandle type) => Plain(_md.GetString(_md.GetTypeReference(type).Name));

    // HashMap`2 -> HashMap: messages use the C# name.
    private static string Plain(string name) => name.IndexOf('`') is var tick and >= 0 ? name[..tick] : name;
}
