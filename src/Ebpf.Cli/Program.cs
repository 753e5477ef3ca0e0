using System.CommandLine;
using Ebpf.Cli.Commands;
using Ebpf.Cli.Commands.Attach;
using Ebpf.Cli.Commands.Generate;

namespace Ebpf.Cli;

/// <summary>The <c>ebpf</c> command line: compile, load, attach, inspect maps and events, generate kernel types.</summary>
public static class Program
{
    /// <summary>Runs the command line on the console; the exit code is 0 on success.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with the given writers, so tests can run the CLI in-process.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = CreateRoot(stdout, stderr).Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>Every command, writing to the given writers (tests walk the tree, e.g. for --json on listings).</summary>
    public static RootCommand CreateRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("ebpf: inspect, disassemble, load and attach eBPF objects from .NET");
        root.Subcommands.Add(InspectCommand.Create(stdout, stderr));
        root.Subcommands.Add(DisasmCommand.Create(stdout, stderr));
        root.Subcommands.Add(BtfCommand.Create(stdout, stderr));
        root.Subcommands.Add(ProgCommand.Create(stdout, stderr));
        root.Subcommands.Add(MapCommand.Create(stdout, stderr));
        root.Subcommands.Add(LinkCommand.Create(stdout, stderr));
        root.Subcommands.Add(EventsCommand.Create(stdout, stderr));
        root.Subcommands.Add(AttachCommand.Create(stdout, stderr));
        root.Subcommands.Add(DetachCommand.Create(stdout, stderr));
        root.Subcommands.Add(CgroupCommand.Create(stdout, stderr));
        root.Subcommands.Add(CompileCommand.Create(stdout, stderr));
        root.Subcommands.Add(GenerateCommand.Create(stdout, stderr));
        return root;
    }
}
