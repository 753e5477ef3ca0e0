using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach cgroup CGROUP FILE --program NAME [--direction ingress|egress] [--mode single|override|multi] [--pin PATH]</c>.
/// A link (multi mode) lives as long as this process unless pinned, so without --pin the command stays
/// attached until Ctrl+C; single and override attachments belong to the cgroup and outlive the process.
/// </summary>
internal static class AttachCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cgroupPath = new Argument<string>("cgroup") { Description = "The cgroup: an absolute path, or relative to the cgroup v2 mount" };
        var file = new Argument<string>("file") { Description = "The BPF object holding the program" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var direction = new Option<string?>("--direction", "-d") { Description = "ingress or egress: required for a cgroup/skb program" };
        direction.AcceptOnlyFromAmong("ingress", "egress");
        var mode = new Option<string>("--mode", "-m") { Description = "single, override or multi (a BPF link)", DefaultValueFactory = _ => "multi" };
        mode.AcceptOnlyFromAmong("single", "override", "multi");
        var pin = new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command (multi mode)" };
        var cgroupCommand = new Command("cgroup", "Attach a cgroup program to a cgroup") { cgroupPath, file, program, direction, mode, pin };
        cgroupCommand.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(program)!;
            var attachMode = Enum.Parse<CgroupAttachMode>(parse.GetValue(mode)!, ignoreCase: true);
            var pinPath = parse.GetValue(pin);
            if (pinPath is not null && attachMode != CgroupAttachMode.Multi)
                throw new BpfException("--pin pins a BPF link, which only multi mode makes; single and override attachments already outlive this command (remove them with ebpf detach)");
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
            using var cgroup = Cgroup.Open(parse.GetValue(cgroupPath)!);
            var loaded = bpf.Programs[name];
            var attachment = loaded.Type == BpfProgramType.CgroupSkb && parse.GetValue(direction) is { } d
                ? loaded.AsCgroupSkb().Attach(cgroup, Enum.Parse<SkbDirection>(d, ignoreCase: true), attachMode)
                : loaded.AsCgroupProgram().Attach(cgroup, attachMode);
            var id = loaded.Info.Id;
            if (attachment is BpfLink link)
            {
                if (pinPath is not null)
                {
                    link.Pin(pinPath);
                    link.Dispose();
                    stdout.WriteLine($"attached program '{name}' (id {id}) to {cgroup.Path} with a link pinned at {pinPath}; remove it with: ebpf detach {pinPath}");
                    return;
                }
                stdout.WriteLine($"attached program '{name}' (id {id}) to {cgroup.Path}; press Ctrl+C to detach");
                using var stop = new ManualResetEventSlim();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
                stop.Wait();
                link.Dispose();
                stdout.WriteLine("detached");
                return;
            }
            // BPF_PROG_ATTACH: the cgroup holds the program; do not detach on exit.
            stdout.WriteLine($"attached program '{name}' (id {id}) to {cgroup.Path} in {attachMode.ToString().ToLowerInvariant()} mode; remove it with: ebpf detach cgroup {cgroup.Path} --program-id {id}");
        }));
        return new Command("attach", "Attach a program") { cgroupCommand, NetAttachCommands.Xdp(stdout, stderr), NetAttachCommands.Tcx(stdout, stderr), TcCommand.Create(stdout, stderr), UprobeCommands.CreateUprobe(stdout, stderr), UprobeCommands.CreateUsdt(stdout, stderr), IterCommand.Create(stdout, stderr), NetnsCommand.Create(stdout, stderr), NetfilterCommand.Create(stdout, stderr),
            TracingAttachCommands.Tracepoint(stdout, stderr), TracingAttachCommands.RawTracepoint(stdout, stderr), TracingAttachCommands.Tracing(stdout, stderr), TracingAttachCommands.PerfEvent(stdout, stderr),
            KprobeCommand.Create(stdout, stderr), StructOpsCommand.Create(stdout, stderr) };
    }
}
