using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Ebpf.Architecture.Tests;

/// <summary>
/// Which top-level folder of a project each type's source is in, from the portable PDB: the documents of its methods'
/// sequence points, and for types without code (enums, interfaces, field-only structs) the TypeDefinitionDocuments
/// record the compiler writes for them. Nested types without either (closures, state machines) take their outer type's.
/// </summary>
internal sealed class SourceFolders
{
    // The C# compiler's custom debug information kind "TypeDefinitionDocuments".
    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    private readonly Dictionary<TypeDefinitionHandle, HashSet<string>> _byType = [];
    private readonly HashSet<TypeDefinitionHandle> _generated = [];
    private readonly MetadataReader _pdb;
    private readonly string _marker;

    /// <param name="projectFolder">The project's folder as it appears in document paths, e.g. "src/Ebpf.Runtime".</param>
    public SourceFolders(MetadataReader md, MetadataReader pdb, string projectFolder)
    {
        _pdb = pdb;
        _marker = "/" + projectFolder.Trim('/') + "/";
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var documents = new HashSet<DocumentHandle>();
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var debug = pdb.GetMethodDebugInformation(methodHandle.ToDebugInformationHandle());
                if (debug.SequencePointsBlob.IsNil) continue;
                foreach (var point in debug.GetSequencePoints()) documents.Add(point.Document);
            }
            foreach (var cdiHandle in pdb.GetCustomDebugInformation(typeHandle))
            {
                var cdi = pdb.GetCustomDebugInformation(cdiHandle);
                if (pdb.GetGuid(cdi.Kind) != TypeDefinitionDocuments) continue;
                var blob = pdb.GetBlobReader(cdi.Value);
                while (blob.RemainingBytes > 0) documents.Add(MetadataTokens.DocumentHandle(blob.ReadCompressedInteger()));
            }
            var folders = new HashSet<string>(documents.Select(FolderOf).OfType<string>(), StringComparer.Ordinal);
            _byType[typeHandle] = folders;
            if (documents.Count > 0 && folders.Count == 0) _generated.Add(typeHandle);
        }
        foreach (var typeHandle in md.TypeDefinitions)
        {
            if (_byType[typeHandle].Count > 0) continue;
            for (var outer = md.GetTypeDefinition(typeHandle).GetDeclaringType(); !outer.IsNil; outer = md.GetTypeDefinition(outer).GetDeclaringType())
            {
                if (_byType[outer].Count == 0) continue;
                _byType[typeHandle] = _byType[outer];
                break;
            }
        }
    }

    /// <summary>The folders the type's source is in: usually one, several for a partial type split across folders.</summary>
    public IReadOnlySet<string> Of(TypeDefinitionHandle type) => _byType[type];

    /// <summary>Whether all the type's source is outside the project: a source generator's output (GeneratedRegex helpers).</summary>
    public bool IsGenerated(TypeDefinitionHandle type) => _generated.Contains(type);

    /// <summary>The folders of a method's own sequence points; null when it has none (no body, or compiler-made).</summary>
    public IReadOnlySet<string>? OfMethod(MethodDefinitionHandle method)
    {
        var debug = _pdb.GetMethodDebugInformation(method.ToDebugInformationHandle());
        if (debug.SequencePointsBlob.IsNil) return null;
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in debug.GetSequencePoints())
            if (FolderOf(point.Document) is { } folder) folders.Add(folder);
        return folders.Count == 0 ? null : folders;
    }

    /// <summary>The first folder under the project in the document's path; "" for a file at the project's root, null outside it.</summary>
    private string? FolderOf(DocumentHandle document)
    {
        var path = _pdb.GetString(_pdb.GetDocument(document).Name).Replace('\\', '/');
        int at = path.LastIndexOf(_marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = path[(at + _marker.Length)..];
        int slash = rest.IndexOf('/');
        return slash < 0 ? "" : rest[..slash];
    }
}
