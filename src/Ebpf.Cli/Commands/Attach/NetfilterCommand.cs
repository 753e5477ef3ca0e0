using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach netfilter FILE --program NAME --family ipv4|ipv6 --hook HOOK --priority N [--defrag] [--netns NAME|PATH] [--pin PATH]</c>.
/// </summary>
internal static class NetfilterCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The BPF object holding the program (section netfilter)" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var family = new Option<string>("--family", "-f") { Description = "ipv4 or ipv6", DefaultValueFactory = _ => "ipv4" };
        family.AcceptOnlyFromAmong("ipv4", "ipv6");
        var hook = new Option<string>("--hook") { Description = "prerouting, local-in, forward, local-out or postrouting", Required = true };
        hook.AcceptOnlyFromAmong("prerouting", "local-in", "forward", "local-out", "postrouting");
        var priority = new Option<int>("--priority") { Description = "Order among the hook's functions (lower first); not int.MinValue or int.MaxValue", Required = true };
        var defrag = new Option<bool>("--defrag") { Description = "Reassemble fragments before the program sees them (BPF_F_NETFILTER_IP_DEFRAG)" };
        var netns = new Option<string?>("--netns") { Description = "The network namespace: an `ip netns` name or a path (default: this process's)" };
        var pin = new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command; remove it with ebpf detach PATH" };
        var command = new Command("netfilter", "Attach a netfilter program at a hook with a netfilter link") { file, program, family, hook, priority, defrag, netns, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(program)!;
            var fam = parse.GetValue(family) == "ipv6" ? NetfilterFamily.IPv6 : NetfilterFamily.IPv4;
            var at = Enum.Parse<NetfilterHook>(parse.GetValue(hook)!.Replace("-", ""), ignoreCase: true);
            var flags = parse.GetValue(defrag) ? NetfilterLinkFlags.IpDefrag : NetfilterLinkFlags.None;
            var prio = parse.GetValue(priority);
            var spec = BpfObjectFile.Read(parse.GetValue(file)!);
            using var bpf = BpfObject.Load(spec, new BpfLoadOptions { Programs = [name] });
            var netfilter = bpf.Programs[name].AsNetfilter();
            // The link binds to the namespace of the thread that makes it.
            using var ns = parse.GetValue(netns) is { } n ? NetworkNamespace.Open(n) : null;
            using var link = ns is null ? netfilter.Attach(fam, at, prio, flags) : ns.Run(() => netfilter.Attach(fam, at, prio, flags));
            var where = ns is null ? "" : $" in {ns}";
            LinkHolder.PinOrHold(stdout, $"attached program '{name}' (id {netfilter.Program.Info.Id}) to netfilter {fam} {at} at priority {prio}{where}", parse.GetValue(pin), link.Pin, link);
        }));
        return command;
    }
}
