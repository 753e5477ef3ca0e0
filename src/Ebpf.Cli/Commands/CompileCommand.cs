using System.CommandLine;
using System.Reflection;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf compile ASSEMBLY -o FILE [--type NAME]</c>: compiles the class of BPF programs in a built assembly to a BPF object.
/// Compiler errors print as <c>file(line,col): error CODE: message</c>, one per line, like the C# compiler's.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var assembly = new Argument<string>("assembly") { Description = "A built .NET assembly (its .pdb beside it gives source lines)" };
        var output = new Option<string>("--output", "-o") { Description = "The BPF object to write", Required = true };
        var type = new Option<string?>("--type", "-t") { Description = "The class of programs, when the assembly has several" };
        var command = new Command("compile", "Compile C# eBPF programs to a BPF object") { assembly, output, type };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
                {
                    var path = Path.GetFullPath(parse.GetValue(assembly)!);
                    if (!File.Exists(path))
                        throw new BpfException($"{path}: no such assembly; build the project first (dotnet build)");
                    var programs = FindPrograms(Assembly.LoadFrom(path), parse.GetValue(type));
                    var bytes = ProgramCompiler.Compile(programs);
                    File.WriteAllBytes(parse.GetValue(output)!, bytes);
                    stdout.WriteLine($"compiled {programs.FullName} to {parse.GetValue(output)} ({bytes.Length} bytes)");
                }));
        return command;
    }

    /// <summary>The class holding methods with program attributes; with several, --type picks one.</summary>
    private static Type FindPrograms(Assembly assembly, string? name)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.OfType<Type>().ToArray();
        }
        var candidates = types.Where(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Any(m => m.GetCustomAttribute<ProgramAttribute>(inherit: true) is not null)).ToList();
        if (name is not null)
            return candidates.FirstOrDefault(t => t.FullName == name || t.Name == name)
                ?? throw new BpfException($"{assembly.GetName().Name} has no class of programs named {name}; it has: {string.Join(", ", candidates.Select(t => t.FullName))}");
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new BpfException($"{assembly.GetName().Name} has no method with a program attribute such as [CgroupSkb(CgroupSkbDirection.Egress)]"),
            _ => throw new BpfException($"{assembly.GetName().Name} has several classes of programs; pick one with --type: {string.Join(", ", candidates.Select(t => t.FullName))}"),
        };
    }
}
