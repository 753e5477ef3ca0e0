using System.CommandLine;
using System.Reflection;
using System.Runtime.Loader;
using Ebpf.Build;
using Ebpf.Build.Embedding;
using Ebpf.Compiler.CodeGen;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf compile ASSEMBLY -o FILE [--type NAME]</c>: compiles the class of BPF programs in a built assembly to a BPF object.
/// <c>ebpf compile ASSEMBLY --embed</c>: compiles every class of programs in it and embeds each object in the assembly as the
/// resource "&lt;full type name&gt;.bpf.o", where <c>BpfObject.Load&lt;T&gt;()</c> finds it (the MSBuild target's step).
/// Compiler errors print as <c>file(line,col): error CODE: message</c>, one per line, like the C# compiler's.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var assembly = new Argument<string>("assembly") { Description = "A built .NET assembly (its .pdb beside it gives source lines)" };
        var output = new Option<string?>("--output", "-o") { Description = "The BPF object to write" };
        var embed = new Option<bool>("--embed") { Description = "Embed the object of every class of programs in the assembly itself (resource <type>.bpf.o), PDB kept in sync" };
        var type = new Option<string?>("--type", "-t") { Description = "The class of programs, when the assembly has several" };
        var references = new Option<string[]>("--reference", "-r") { Description = "An assembly ASSEMBLY depends on, for loading it from where it was built (repeatable)" };
        var command = new Command("compile", "Compile C# eBPF programs to a BPF object") { assembly, output, embed, type, references };
        command.SetAction(parse =>
        {
            var compiled = true;
            var code = CommandRunner.Run(stderr, () =>
                {
                    var path = Path.GetFullPath(parse.GetValue(assembly)!);
                    var file = parse.GetValue(output);
                    if (parse.GetValue(embed) == (file is not null))
                        throw new BpfException("compile needs either -o FILE (write the object) or --embed (put the objects in the assembly), not both");
                    if (!File.Exists(path))
                        throw new BpfException($"{path}: no such assembly; build the project first (dotnet build)");
                    var refs = parse.GetValue(references) ?? [];
                    ResolveFrom(refs);
                    var loaded = Assembly.LoadFrom(path);
                    if (file is not null)
                    {
                        var programs = ProgramClasses.Find(loaded, parse.GetValue(type));
                        var bytes = ProgramCompiler.Compile(programs);
                        File.WriteAllBytes(file, bytes);
                        stdout.WriteLine($"compiled {programs.FullName} to {file} ({bytes.Length} bytes)");
                    }
                    else
                        compiled = Embed(path, loaded, parse.GetValue(type), refs, stdout, stderr);
                });
            return code == 0 && !compiled ? 1 : code; // the compiler errors are printed already, one per line
        });
        return command;
    }

    /// <summary>Embeds as the build step does, printing what it embedded or the compiler errors; false on errors.</summary>
    private static bool Embed(string path, Assembly assembly, string? name, string[] references, TextWriter stdout, TextWriter stderr)
    {
        var result = ProgramEmbedder.Embed(path, assembly, name, references.Select(Path.GetDirectoryName).OfType<string>().Distinct());
        foreach (var e in result.Errors)
            stderr.WriteLine(e.Location is null ? $"error: {e.Message}" : e.Message);
        if (result.Errors.Count > 0)
            return false;
        if (result.Embedded.Count == 0)
            stdout.WriteLine($"{Path.GetFileName(path)} has no class of programs; left as it is");
        foreach (var (objectName, length) in result.Embedded)
            stdout.WriteLine($"embedded {objectName} ({length} bytes) in {path}");
        return true;
    }

    /// <summary>
    /// The assembly is loaded from where it was built (obj/), where its dependencies are not; the build names them. Only names
    /// this process cannot find itself come here, so the kernel-side library stays the one the compiler knows.
    /// </summary>
    private static void ResolveFrom(string[] references)
    {
        if (references.Length == 0)
            return;
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in references)
            byName.TryAdd(Path.GetFileNameWithoutExtension(r), Path.GetFullPath(r));
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name is { } n && byName.TryGetValue(n, out var file) && File.Exists(file) ? context.LoadFromAssemblyPath(file) : null;
    }
}
