using System.Reflection;
using Ebpf.Compiler;
using Ebpf.Compiler.CodeGen;

namespace Ebpf.Build.Embedding;

/// <summary>What embedding did: the objects put in the assembly, or the compiler errors that kept it from embedding any.</summary>
public sealed record EmbedResult(IReadOnlyList<(string Name, int Length)> Embedded, IReadOnlyList<CompilerException> Errors);

/// <summary>
/// The build step: compiles every class of programs in a built assembly and embeds each object in it as the resource
/// "&lt;full type name&gt;.bpf.o", where the runtime's <see cref="EmbeddedObjects"/> finds it.
/// </summary>
public static class ProgramEmbedder
{
    /// <summary>
    /// Compiles every class (or the one named) and embeds the objects in the file at <paramref name="path"/>, the assembly
    /// <paramref name="loaded"/> was loaded from. Every class is tried, so one build shows the errors of all; with any error
    /// nothing is embedded. <paramref name="referenceDirectories"/> are where the assembly's dependencies are.
    /// </summary>
    public static EmbedResult Embed(string path, Assembly loaded, string? typeName, IEnumerable<string> referenceDirectories)
    {
        var classes = typeName is null ? ProgramClasses.In(loaded) : [ProgramClasses.Find(loaded, typeName)];
        var objects = new List<EmbeddedObject>();
        var errors = new List<CompilerException>();
        foreach (var programs in classes)
        {
            try
            {
                objects.Add(new EmbeddedObject(EmbeddedObjects.ResourceName(programs), ProgramCompiler.Compile(programs)));
            }
            catch (CompilerException e)
            {
                errors.Add(e);
            }
        }
        if (errors.Count > 0)
            return new EmbedResult([], errors);
        if (objects.Count > 0)
            AssemblyResources.Embed(path, objects, referenceDirectories);
        return new EmbedResult(objects.Select(o => (o.Name, o.Bytes.Length)).ToList(), []);
    }
}
