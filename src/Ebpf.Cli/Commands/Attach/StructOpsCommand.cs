using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach struct-ops FILE --map NAME [--pin PATH]</c>: loads the object (the map's member programs with it) and
/// registers the struct_ops map, e.g. a TCP congestion control; it stays registered until Ctrl+C or SIGTERM, or with --pin
/// (a .struct_ops.link map) until <c>ebpf detach PATH</c>.
/// </summary>
internal static class StructOpsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The BPF object holding the struct_ops map and its programs" };
        var map = new Option<string>("--map", "-m") { Description = "The struct_ops map (the variable in .struct_ops or .struct_ops.link)", Required = true };
        var pin = new Option<string?>("--pin") { Description = "Pin the registration's link on bpffs (.struct_ops.link maps); remove it with ebpf detach PATH" };
        var command = new Command("struct-ops", "Register a struct_ops map (a kernel struct of BPF programs, such as tcp_congestion_ops)") { file, map, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(map)!;
            var pinPath = parse.GetValue(pin);
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            // Checked before loading, so a wrong name costs no program loads.
            var structOps = spec.Maps.Where(m => m.StructOps is not null).Select(m => m.Name).ToList();
            var mapSpec = spec.Maps.FirstOrDefault(m => m.Name == name)
                ?? throw new BpfException($"the object has no map '{name}'; its struct_ops maps: {(structOps.Count == 0 ? "none" : string.Join(", ", structOps))}");
            if (mapSpec.StructOps is null)
                throw new BpfException($"map '{name}' is a {mapSpec.Type} map, not struct_ops; its struct_ops maps: {(structOps.Count == 0 ? "none" : string.Join(", ", structOps))}");
            if (pinPath is not null && !mapSpec.StructOps.IsLink)
                throw new BpfException($"struct_ops map '{name}' is from .struct_ops, registered without a link, so there is nothing to pin; declare it in SEC(\".struct_ops.link\") to pin it, or run without --pin");
            using var bpf = BpfObject.Load(spec);
            var ops = bpf.Maps[name].AsStructOps();
            using var registration = ops.Attach();
            LinkHolder.PinOrHold(stdout, $"registered struct_ops map '{name}' (struct {ops.StructName}, map id {bpf.Maps[name].Info.Id})", pinPath, registration.Pin, registration);
        }));
        return command;
    }
}
