using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Ebpf.Architecture.Tests;

/// <summary>
/// Layers inside one assembly, by source folder: code in <c>from</c> must not use types declared in any of
/// <c>forbidden</c>. A method belongs to the folders of its own sequence points (so a partial type's parts are judged
/// apart); a type's declaration (base, fields, attributes) to the folders of the type.
/// </summary>
internal static class FolderLayers
{
    public static IReadOnlyList<string> Violations(string assemblyPath, string projectFolder, string from, IReadOnlyCollection<string> forbidden)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        using var pdbProvider = OpenPdb(pe, assemblyPath);
        var md = pe.GetMetadataReader();
        var pdb = pdbProvider.GetMetadataReader();
        var folders = new SourceFolders(md, pdb, projectFolder);
        var uses = new TypeUses(pe, md);
        var found = new SortedSet<string>(StringComparer.Ordinal);

        void Check(string user, IEnumerable<TypeDefinitionHandle> used)
        {
            foreach (var type in used)
                foreach (var folder in folders.Of(type).Where(forbidden.Contains))
                    found.Add($"{user} (in {from}/) uses {Names.Of(md, type)} (declared in {folder}/)");
        }

        foreach (var typeHandle in md.TypeDefinitions)
        {
            if (folders.Of(typeHandle).Contains(from))
                Check(Names.Of(md, typeHandle), uses.OfTypeDeclaration(typeHandle));
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var methodFolders = folders.OfMethod(methodHandle) ?? folders.Of(typeHandle);
                if (methodFolders.Contains(from))
                    Check($"{Names.Of(md, typeHandle)}.{md.GetString(md.GetMethodDefinition(methodHandle).Name)}", uses.OfMethod(methodHandle));
            }
        }
        return [.. found];
    }

    /// <summary>Types of the assembly that no source folder holds, apart from those the compiler and source generators make.</summary>
    public static IReadOnlyList<string> Unplaced(string assemblyPath, string projectFolder)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        using var pdbProvider = OpenPdb(pe, assemblyPath);
        var md = pe.GetMetadataReader();
        var folders = new SourceFolders(md, pdbProvider.GetMetadataReader(), projectFolder);
        return [.. md.TypeDefinitions
            .Where(t => folders.Of(t).Count == 0 && !folders.IsGenerated(t) && md.GetString(md.GetTypeDefinition(t).Name) != "<Module>" && !IsCompilerGenerated(md, t))
            .Select(t => Names.Of(md, t))];
    }

    private static MetadataReaderProvider OpenPdb(PEReader pe, string assemblyPath) =>
        pe.TryOpenAssociatedPortablePdb(assemblyPath, p => File.Exists(p) ? File.OpenRead(p) : null, out var provider, out _) && provider is not null
            ? provider
            : throw new InvalidOperationException($"{assemblyPath} has no portable PDB beside it (or embedded): the folder rules need it to place types in folders");

    private static bool IsCompilerGenerated(MetadataReader md, TypeDefinitionHandle handle)
    {
        for (var t = handle; !t.IsNil; t = md.GetTypeDefinition(t).GetDeclaringType())
            foreach (var a in md.GetTypeDefinition(t).GetCustomAttributes())
            {
                var ctor = md.GetCustomAttribute(a).Constructor;
                if (ctor.Kind == HandleKind.MemberReference && md.GetMemberReference((MemberReferenceHandle)ctor).Parent is { Kind: HandleKind.TypeReference } parent
                    && md.GetString(md.GetTypeReference((TypeReferenceHandle)parent).Name) == "CompilerGeneratedAttribute")
                    return true;
            }
        return false;
    }
}
