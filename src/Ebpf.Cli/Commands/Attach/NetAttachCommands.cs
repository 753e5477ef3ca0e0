using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach xdp IFACE FILE --program NAME [--mode default|generic|native|offload] [--netns NAME] [--pin PATH]</c> and
/// <c>ebpf attach tcx IFACE FILE --program NAME --direction ingress|egress [--first|--last] [--netns NAME] [--pin PATH]</c>.
/// Both make a link, which lives as long as this process unless pinned: without --pin the command stays attached until Ctrl+C.
/// </summary>
internal static class NetAttachCommands
{
    public static Command Xdp(TextWriter stdout, TextWriter stderr)
    {
        var (iface, file, program, netns, pin) = Common();
        var mode = new Option<string>("--mode", "-m") { Description = "generic (skb), native (driver) or offload (NIC); default: native where the driver has XDP, else generic", DefaultValueFactory = _ => "default" };
        mode.AcceptOnlyFromAmong("default", "generic", "native", "offload");
        var command = new Command("xdp", "Attach an XDP program to a network interface") { iface, file, program, mode, netns, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var xdpMode = Enum.Parse<XdpMode>(parse.GetValue(mode)!, ignoreCase: true);
            Attach(stdout, parse.GetValue(file)!, parse.GetValue(program)!, parse.GetValue(iface)!, parse.GetValue(netns), parse.GetValue(pin),
                (loaded, target) => loaded.AsXdp().Attach(target, xdpMode), $"XDP in {xdpMode.ToString().ToLowerInvariant()} mode");
        }));
        return command;
    }

    public static Command Tcx(TextWriter stdout, TextWriter stderr)
    {
        var (iface, file, program, netns, pin) = Common();
        var direction = new Option<string?>("--direction", "-d") { Description = "ingress or egress: required unless the program's section names one (tcx/ingress, tcx/egress)" };
        direction.AcceptOnlyFromAmong("ingress", "egress");
        var first = new Option<bool>("--first") { Description = "Run before every program already on the hook" };
        var last = new Option<bool>("--last") { Description = "Run after every program already on the hook (the default)" };
        var command = new Command("tcx", "Attach a tc classifier to a network interface with a tcx link") { iface, file, program, direction, first, last, netns, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            if (parse.GetValue(first) && parse.GetValue(last))
                throw new BpfException("--first and --last exclude each other: choose one");
            var order = parse.GetValue(first) ? TcxOrder.First : parse.GetValue(last) ? TcxOrder.Last : null;
            TcxDirection? dir = parse.GetValue(direction) is { } d ? Enum.Parse<TcxDirection>(d, ignoreCase: true) : null;
            Attach(stdout, parse.GetValue(file)!, parse.GetValue(program)!, parse.GetValue(iface)!, parse.GetValue(netns), parse.GetValue(pin),
                (loaded, target) => dir is { } x ? loaded.AsTcx().Attach(target, x, order) : loaded.AsTcx().Attach(target, order),
                "tcx " + (dir?.ToString().ToLowerInvariant() ?? "(its section's direction)"));
        }));
        return command;
    }

    private static (Argument<string>, Argument<string>, Option<string>, Option<string?>, Option<string?>) Common() =>
    (
        new Argument<string>("iface") { Description = "The network interface, by name or index" },
        new Argument<string>("file") { Description = "The BPF object holding the program" },
        new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true },
        new Option<string?>("--netns") { Description = "The network namespace of the interface (an `ip netns` name or a path such as /proc/PID/ns/net)" },
        new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command; remove it with ebpf detach PATH" }
    );

    private static void Attach(TextWriter stdout, string file, string name, string iface, string? netns, string? pinPath,
        Func<BpfProgram, NetInterface, BpfLink> attach, string how)
    {
        var spec = BpfObjectFile.Read(file);
        using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
        using var ns = netns is null ? null : NetworkNamespace.Open(netns);
        var target = int.TryParse(iface, out var index) ? NetInterface.Get(index, ns) : NetInterface.Get(iface, ns);
        var loaded = bpf.Programs[name];
        using var link = attach(loaded, target);
        var id = loaded.Info.Id;
        if (pinPath is not null)
        {
            link.Pin(pinPath);
            stdout.WriteLine($"attached program '{name}' (id {id}) to {target} as {how} with a link pinned at {pinPath}; remove it with: ebpf detach {pinPath}");
            return;
        }
        stdout.WriteLine($"attached program '{name}' (id {id}) to {target} as {how}; press Ctrl+C to detach");
        using var stop = new ManualResetEventSlim();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Set(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        stop.Wait();
        Console.CancelKeyPress -= onCancel;
        stdout.WriteLine("detached");
    }
}
