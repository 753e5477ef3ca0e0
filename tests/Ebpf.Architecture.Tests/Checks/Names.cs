using System.Reflection.Metadata;

namespace Ebpf.Architecture.Tests;

internal static class Names
{
    /// <summary>Namespace.Outer+Inner, for messages.</summary>
    public static string Of(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return Of(md, declaring) + "+" + md.GetString(type.Name);
        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? md.GetString(type.Name) : ns + "." + md.GetString(type.Name);
    }
}
