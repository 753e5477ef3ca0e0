using System.CommandLine;
using Ebpf.Compiler.Generation;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands.Generate;

/// <summary><c>ebpf generate btf [FILE] --type NAME... [-o FILE.cs] [--namespace NS]</c>: C# kernel types from BTF.</summary>
internal static class BtfGenerateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file")
        {
            Description = $"BTF to read: the kernel's ({BtfSpec.KernelPath}, the default), a raw BTF file, or a BPF object with .BTF",
            DefaultValueFactory = _ => BtfSpec.KernelPath,
        };
        var types = new Option<string[]>("--type", "-t") { Description = "A struct, union, enum, typedef or function to declare (repeat for more)", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the C# file here instead of standard output" };
        var ns = new Option<string>("--namespace", "-n") { Description = "Namespace of the generated types", DefaultValueFactory = _ => "Kernel" };
        var baseFile = new Option<string?>("--base", "-B")
        {
            Description = $"FILE is split BTF on this base (a module's BTF on vmlinux); {ModuleDirectory}MODULE gets {BtfSpec.KernelPath} without it",
        };
        var command = new Command("btf", "C# declarations of kernel types (structs, unions, enums, bitfields) for CO-RE reads") { file, types, output, ns, baseFile };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var source = parse.GetValue(file)!;
            using var btf = Open(source == "vmlinux" ? BtfSpec.KernelPath : source, parse.GetValue(baseFile));
            var text = new BtfCSharpGenerator(btf, parse.GetValue(ns)!).Generate(parse.GetValue(types)!, source);
            if (parse.GetValue(output) is { } path)
                File.WriteAllText(path, text);
            else
                stdout.Write(text);
        }));
        return command;
    }

    private const string ModuleDirectory = "/sys/kernel/btf/";

    /// <summary>A module's BTF is split on vmlinux's: its ids and names continue vmlinux's, so it is read with that base.</summary>
    private static BtfSpec Open(string source, string? basePath)
    {
        var full = Path.GetFullPath(source);
        basePath ??= full.StartsWith(ModuleDirectory, StringComparison.Ordinal) && full != BtfSpec.KernelPath ? BtfSpec.KernelPath : null;
        if (basePath is null)
        {
            try { return BtfCommand.Open(source); }
            catch (BtfException e) { throw new BtfException($"{e.Message} If {source} is split BTF (a kernel module's), give its base with --base FILE.", e); }
        }
        if (!File.Exists(source))
            throw new BpfException($"{source}: no such file (give a module's BTF, such as {ModuleDirectory}MODULE, or split BTF with --base)");
        using var baseBtf = BtfCommand.Open(basePath == "vmlinux" ? BtfSpec.KernelPath : basePath);
        return BtfSpec.LoadSplit(source, baseBtf);
    }
}
