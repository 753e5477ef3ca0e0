using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Ebpf.Build.Tests;

/// <summary>A built assembly read as a file (never loaded): its manifest resources and whether its PDB still matches it.</summary>
internal static class BuiltAssembly
{
    public static Dictionary<string, byte[]> Resources(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        var resources = pe.PEHeaders.CorHeader!.ResourcesDirectory;
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            Assert.True(resource.Implementation.IsNil, "an embedded resource, not a linked file");
            // An embedded resource is a 4-byte length and the bytes, at its offset in the resources directory.
            var blob = pe.GetSectionData(resources.RelativeVirtualAddress).GetReader((int)resource.Offset, resources.Size - (int)resource.Offset);
            var length = blob.ReadInt32();
            result[metadata.GetString(resource.Name)] = blob.ReadBytes(length);
        }
        return result;
    }

    /// <summary>The PDB the assembly names is found, has the id the assembly records, and still maps the given source file.</summary>
    public static void AssertPdbMatches(string path, string sourceFile)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var codeView = pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var recorded = pe.ReadCodeViewDebugDirectoryData(codeView);
        Assert.True(pe.TryOpenAssociatedPortablePdb(path, p => File.Exists(p) ? File.OpenRead(p) : null, out var provider, out var pdbPath),
            $"no PDB for {path}");
        using (provider)
        {
            var pdb = provider!.GetMetadataReader();
            var id = new BlobContentId(pdb.DebugMetadataHeader!.Id);
            Assert.Equal(Path.ChangeExtension(path, ".pdb"), pdbPath);
            Assert.Equal((recorded.Guid, codeView.Stamp), (id.Guid, id.Stamp));
            var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
            Assert.Contains(sourceFile, documents);
            Assert.Contains(pdb.MethodDebugInformation, m => !pdb.GetMethodDebugInformation(m).SequencePointsBlob.IsNil);
        }
    }
}
