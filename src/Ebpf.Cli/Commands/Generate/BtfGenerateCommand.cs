using System.CommandLine;
using Ebpf.Compiler.Generation;
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
        var command = new Command("btf", "C# declarations of kernel types (structs, unions, enums, bitfields) for CO-RE reads") { file, types, output, ns };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var source = parse.GetValue(file)!;
            using var btf = BtfCommand.Open(source == "vmlinux" ? BtfSpec.KernelPath : source);
            var text = new BtfCSharpGenerator(btf, parse.GetValue(ns)!).Generate(parse.GetValue(types)!, source);
            if (parse.GetValue(output) is { } path)
                File.WriteAllText(path, text);
            else
                stdout.Write(text);
        }));
        return command;
    }
}
