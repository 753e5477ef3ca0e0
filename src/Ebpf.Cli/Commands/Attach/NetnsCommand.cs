using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach netns FILE --program NAME [--netns NAME|PATH] [--pin PATH]</c>: attaches an sk_lookup or flow_dissector
/// program (by its type) to a network namespace, this process's by default, with a netns link.
/// </summary>
internal static class NetnsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The BPF object holding the program (section sk_lookup or flow_dissector)" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var netns = new Option<string?>("--netns") { Description = "The network namespace: an `ip netns` name or a path such as /proc/PID/ns/net (default: this process's)" };
        var pin = new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command; remove it with ebpf detach PATH" };
        var command = new Command("netns", "Attach an sk_lookup or flow_dissector program to a network namespace") { file, program, netns, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(program)!;
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
            var loaded = bpf.Programs[name];
            var kind = loaded.Type switch
            {
                BpfProgramType.SkLookup => loaded.AsSkLookup(),
                BpfProgramType.FlowDissector => loaded.AsFlowDissector(),
                _ => throw new BpfException($"program '{name}' is a {loaded.Type} program; ebpf attach netns takes sk_lookup and flow_dissector programs"),
            };
            using var ns = NetworkNamespace.Open(parse.GetValue(netns) ?? "/proc/self/ns/net");
            using var link = kind.Attach(ns);
            LinkHolder.PinOrHold(stdout, $"attached program '{name}' (id {loaded.Info.Id}) to {ns} at {kind.AttachType}", parse.GetValue(pin), link.Pin, link);
        }));
        return command;
    }
}
