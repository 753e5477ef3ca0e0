using System.CommandLine;

namespace Ebpf.Cli.Commands.Generate;

/// <summary><c>ebpf generate KIND ...</c>: C# declarations of kernel types for programs to use (one subcommand per source of types).</summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) =>
        new("generate", "Write C# declarations of kernel types (tracepoint records, BTF types) for programs")
        {
            TracepointCommand.Create(stdout, stderr),
            BtfGenerateCommand.Create(stdout, stderr),
        };
}
