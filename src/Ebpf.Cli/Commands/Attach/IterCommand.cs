using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach iter FILE --program NAME [--map NAME] [--pid N | --tid N] [--pin PATH]</c>: attaches an iterator and
/// prints one run of its output; with --pin the link stays on bpffs, where each read of the file is a new run.
/// </summary>
internal static class IterCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The BPF object holding the iterator program (section iter/KIND)" };
        var program = new Option<string>("--program", "-p") { Description = "The iterator program (function)", Required = true };
        var map = new Option<string?>("--map") { Description = "A map of the object to iterate over (iter/bpf_map_elem, iter/bpf_sk_storage_map, iter/sockmap)" };
        var pid = new Option<int?>("--pid") { Description = "Task iterators: only the threads of this process" };
        var tid = new Option<int?>("--tid") { Description = "Task iterators: only this thread" };
        var pin = new Option<string?>("--pin") { Description = "Pin the iterator link on bpffs (cat the file to run it) instead of printing a run" };
        var command = new Command("iter", "Attach an iterator program and print what it outputs") { file, program, map, pid, tid, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(program)!;
            if (new object?[] { parse.GetValue(map), parse.GetValue(pid), parse.GetValue(tid) }.Count(v => v is not null) > 1)
                throw new BpfException("--map, --pid and --tid exclude each other: an iterator takes one target");
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
            var target = parse.GetValue(map) is { } m ? IteratorTarget.Map(bpf.Maps[m])
                : parse.GetValue(pid) is { } p ? IteratorTarget.Process(p)
                : parse.GetValue(tid) is { } t ? IteratorTarget.Thread(t)
                : IteratorTarget.All;
            using var link = bpf.Programs[name].AsIterator().Attach(target);
            if (parse.GetValue(pin) is { } pinPath)
            {
                link.Pin(pinPath);
                stdout.WriteLine($"attached iterator '{name}' over {target} with a link pinned at {pinPath}; read it with: cat {pinPath}; remove it with: ebpf detach {pinPath}");
                return;
            }
            using var run = link.Open();
            using var reader = new StreamReader(run);
            var buffer = new char[8192];
            int n;
            while ((n = reader.Read(buffer)) > 0)
                stdout.Write(buffer, 0, n);
        }));
        return command;
    }
}
