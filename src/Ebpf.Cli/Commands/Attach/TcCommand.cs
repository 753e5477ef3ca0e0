using System.CommandLine;
using System.Globalization;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach tc IFACE FILE --program NAME --direction ingress|egress [--priority N] [--handle N] [--netns NAME]</c>:
/// a cls_bpf filter in direct-action mode on the interface's clsact qdisc (created when absent). A legacy tc filter
/// is not a BPF link and cannot be pinned, so the command stays attached until Ctrl+C (or SIGTERM), then deletes the
/// filter, and the qdisc if it made it and nothing else uses it.
/// </summary>
internal static class TcCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var iface = new Argument<string>("iface") { Description = "The network interface, by name or index" };
        var file = new Argument<string>("file") { Description = "The BPF object holding the program" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach: a sched_cls program (section tc, classifier)", Required = true };
        var direction = new Option<string>("--direction", "-d") { Description = "ingress or egress: the clsact hook", Required = true };
        direction.AcceptOnlyFromAmong("ingress", "egress");
        var priority = new Option<ushort>("--priority") { Description = "The filter's priority, 1-65535 (lower runs first); default: the kernel chooses" };
        var handle = new Option<string?>("--handle") { Description = "The filter's handle, decimal or 0x hex; default: the kernel chooses" };
        var netns = new Option<string?>("--netns") { Description = "The network namespace of the interface (an `ip netns` name or a path such as /proc/PID/ns/net)" };
        var pin = new Option<string?>("--pin") { Description = "Not available: legacy tc filters are not BPF links and cannot be pinned (use `ebpf attach tcx ... --pin`)", Hidden = true };
        var command = new Command("tc", "Attach a tc classifier as a cls_bpf filter on the clsact qdisc (legacy tc, netlink); stays attached until Ctrl+C")
        {
            iface, file, program, direction, priority, handle, netns, pin,
        };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            if (parse.GetValue(pin) is not null)
                throw new BpfException("legacy tc filters are not BPF links, so they cannot be pinned: keep this command running, " +
                    "or attach with a tcx link instead (ebpf attach tcx IFACE FILE --program NAME --direction DIR --pin PATH)");
            var name = parse.GetValue(program)!;
            var dir = Enum.Parse<TcDirection>(parse.GetValue(direction)!, ignoreCase: true);
            uint filterHandle = ParseHandle(parse.GetValue(handle));
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
            using var ns = parse.GetValue(netns) is { } n ? NetworkNamespace.Open(n) : null;
            var ifaceText = parse.GetValue(iface)!;
            var loaded = bpf.Programs[name];
            var tc = loaded.AsTc();
            NetInterface target;
            try
            {
                target = int.TryParse(ifaceText, out var index) ? NetInterface.Get(index, ns) : NetInterface.Get(ifaceText, ns);
            }
            catch (BpfException e)
            {
                throw new BpfException($"program '{name}' cannot attach at tc {dir.ToString().ToLowerInvariant()}: {e.Message}", e);
            }
            using var attachment = tc.Attach(target, dir, parse.GetValue(priority), filterHandle);
            stdout.WriteLine($"attached program '{name}' (id {loaded.Info.Id}) to {target} at tc {dir.ToString().ToLowerInvariant()} " +
                $"priority {attachment.Priority} handle 0x{attachment.Handle:x}{(attachment.CreatedQdisc ? " (clsact qdisc added)" : "")}; " +
                "legacy tc cannot be pinned: press Ctrl+C to detach");
            using var stop = new ManualResetEventSlim();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Set(); };
            Console.CancelKeyPress += onCancel;
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            stop.Wait();
            Console.CancelKeyPress -= onCancel;
            attachment.Dispose();
            stdout.WriteLine("detached");
        }));
        return command;
    }

    private static uint ParseHandle(string? text)
    {
        if (text is null) return 0;
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new BpfException($"--handle '{text}' is not a number: give it in decimal (3) or hex (0x3)");
    }
}
