using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>C# source compiled in-process with Roslyn against the runtime and the kernel-side library, as a user's project would.</summary>
internal static class GeneratedCode
{
    public static Assembly Compile(string source, string name) => Compile([("", source)], name, null);

    /// <summary>
    /// Compiles <paramref name="sources"/> (path, text) into <paramref name="directory"/> with a portable PDB, as a build
    /// would, so the BPF compiler can read the IL and the lines; without a directory, in memory.
    /// </summary>
    public static Assembly Compile(IEnumerable<(string Path, string Text)> sources, string name, string? directory)
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(Ebpf.Kernel.KernelTypeAttribute).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, new CSharpParseOptions(LanguageVersion.Latest), s.Path, System.Text.Encoding.UTF8));
        var compilation = CSharpCompilation.Create(name, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).Select(d => d.ToString()).ToList();
        Assert.True(result.Success, "generated C# does not compile:\n" + string.Join("\n", errors));
        if (directory is null)
        {
            pe.Position = 0;
            return AssemblyLoadContext.Default.LoadFromStream(pe);
        }
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".dll");
        File.WriteAllBytes(path, pe.ToArray());
        File.WriteAllBytes(Path.ChangeExtension(path, ".pdb"), pdb.ToArray());
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
