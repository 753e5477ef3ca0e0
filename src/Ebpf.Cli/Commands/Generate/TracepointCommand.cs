using System.CommandLine;

namespace Ebpf.Cli.Commands.Generate;

/// <summary><c>ebpf generate tracepoint CATEGORY/NAME [-o FILE.cs] [--namespace NS]</c>: the record of a tracepoint as a C# struct.</summary>
internal static class TracepointCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var tracepoint = new Argument<string>("tracepoint") { Description = "CATEGORY/NAME, such as syscalls/sys_enter_openat" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the C# file here instead of to standard output" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "The namespace of the struct (none by default)" };
        var root = new Option<string?>("--tracefs") { Description = $"Read formats under this directory instead of {TracepointFormat.TracingRoot}" };
        var command = new Command("tracepoint", "Write a tracepoint's record (from tracefs's format file) as a C# struct for [TracePoint] programs") { tracepoint, output, ns, root };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var format = TracepointFormat.Read(parse.GetValue(tracepoint)!, parse.GetValue(root));
            var text = TracepointWriter.Write(format, parse.GetValue(ns));
            if (parse.GetValue(output) is { } path)
                File.WriteAllText(path, text);
            else
                stdout.Write(text);
        }));
        return command;
    }
}
