using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ebpf.Build.Embedding;

/// <summary>A BPF object to embed, under the resource name <see cref="EmbeddedObjects"/> looks for.</summary>
internal sealed record EmbeddedObject(string Name, byte[] Bytes);

/// <summary>
/// Puts resources into a built assembly after the C# compiler, the way IL weavers (Fody) do: Mono.Cecil reads the
/// assembly and its PDB, adds the resources and writes both again, so the PDB still matches the assembly.
/// </summary>
internal static class AssemblyResources
{
    public static void Embed(string path, IReadOnlyCollection<EmbeddedObject> objects, IEnumerable<string> searchDirectories)
    {
        using var resolver = new DefaultAssemblyResolver();
        foreach (var directory in searchDirectories)
            resolver.AddSearchDirectory(directory);
        resolver.AddSearchDirectory(Path.GetDirectoryName(path)!);
        var parameters = new ReaderParameters
        {
            InMemory = true, // the file is replaced below
            ReadSymbols = true,
            SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false), // DebugType none: no PDB to keep
            AssemblyResolver = resolver,
        };
        using var module = ModuleDefinition.ReadModule(path, parameters);
        foreach (var o in objects)
        {
            // Built again from unchanged IL (a newer compiler): the old object is replaced, never doubled.
            if (module.Resources.FirstOrDefault(r => r.Name == o.Name) is { } old)
                module.Resources.Remove(old);
            module.Resources.Add(new EmbeddedResource(o.Name, ManifestResourceAttributes.Public, o.Bytes));
        }
        // Unlinked, not overwritten: this process still maps the assembly it compiled from, and a file written in place
        // under a mapping can fault. Cecil writes the PDB beside the assembly (X.pdb) and records that path in the assembly.
        var pdb = Path.ChangeExtension(path, ".pdb");
        var separatePdb = module.HasSymbols && module.SymbolReader is not EmbeddedPortablePdbReader && File.Exists(pdb);
        File.Delete(path);
        if (separatePdb)
            File.Delete(pdb);
        try
        {
            module.Write(path, new WriterParameters { WriteSymbols = module.HasSymbols, DeterministicMvid = true });
        }
        catch
        {
            // No half-written assembly may look newer than its sources: without it the next build compiles again.
            File.Delete(path);
            if (separatePdb)
                File.Delete(pdb);
            throw;
        }
    }
}
