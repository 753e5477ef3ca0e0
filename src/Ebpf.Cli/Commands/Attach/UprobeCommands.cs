using System.CommandLine;
using System.Globalization;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach uprobe BINARY:SYMBOL[+OFFSET] FILE --program NAME [--pid N] [--retprobe] [--pin PATH]</c> (SYMBOL may be a
/// file offset, 0x...) and <c>ebpf attach usdt BINARY PROVIDER:NAME FILE --program NAME [--pid N]</c>. Without --pin the
/// probes live as long as this command: it waits for Ctrl+C, then detaches.
/// </summary>
internal static class UprobeCommands
{
    public static Command CreateUprobe(TextWriter stdout, TextWriter stderr)
    {
        var target = new Argument<string>("target") { Description = "BINARY:SYMBOL[+OFFSET] or BINARY:0xFILEOFFSET; BINARY is a path or a library name (libc.so.6)" };
        var file = new Argument<string>("file") { Description = "The BPF object holding the program" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var pid = new Option<int>("--pid") { Description = "Probe only this process", DefaultValueFactory = _ => -1 };
        var retprobe = new Option<bool>("--retprobe") { Description = "Run at the function's return (default: as the program's section says)" };
        var pin = new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command" };
        var command = new Command("uprobe", "Attach a uprobe or uretprobe program to a function of a binary or library") { target, file, program, pid, retprobe, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var (binary, symbol, offset) = ParseTarget(parse.GetValue(target)!);
            var name = parse.GetValue(program)!;
            using var bpf = BpfObject.Load(BpfObjectFile.Read(parse.GetValue(file)!), new BpfLoadOptions { Programs = [name] });
            var uprobe = bpf.Programs[name].AsUprobe();
            bool? ret = parse.GetValue(retprobe) ? true : null;
            var link = symbol is null
                ? uprobe.Attach(binary, offset, parse.GetValue(pid), ret)
                : uprobe.Attach(binary, symbol, parse.GetValue(pid), offset, ret);
            var what = $"{(link.IsReturnProbe ? "uretprobe" : "uprobe")} {link.BinaryPath}:{symbol ?? $"0x{offset:x}"}{(symbol is not null && offset != 0 ? $"+{offset}" : "")} (file offset 0x{link.Offsets[0]:x})";
            Hold(stdout, link, name, what, parse.GetValue(pin), link.Pin);
        }));
        return command;
    }

    public static Command CreateUsdt(TextWriter stdout, TextWriter stderr)
    {
        var binary = new Argument<string>("binary") { Description = "The executable or library with the probe (a path or a library name)" };
        var probe = new Argument<string>("probe") { Description = "PROVIDER:NAME" };
        var file = new Argument<string>("file") { Description = "The BPF object holding the program" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var pid = new Option<int>("--pid") { Description = "Probe only this process", DefaultValueFactory = _ => -1 };
        var command = new Command("usdt", "Attach a USDT program (libbpf's usdt.bpf.h) to every site of a sys/sdt.h probe") { binary, probe, file, program, pid };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var parts = parse.GetValue(probe)!.Split(':');
            if (parts.Length != 2 || parts.Any(p => p.Length == 0))
                throw new BpfException($"probe \"{parse.GetValue(probe)}\" must be PROVIDER:NAME");
            var name = parse.GetValue(program)!;
            using var bpf = BpfObject.Load(BpfObjectFile.Read(parse.GetValue(file)!), new BpfLoadOptions { Programs = [name] });
            var link = bpf.Programs[name].AsUsdt().Attach(parse.GetValue(binary)!, parts[0], parts[1], parse.GetValue(pid));
            Hold(stdout, link, name, $"USDT {parts[0]}:{parts[1]} in {link.BinaryPath} ({link.Sites.Count} site{(link.Sites.Count == 1 ? "" : "s")})", null, null);
        }));
        return command;
    }

    /// <summary>BINARY:SYMBOL[+OFFSET] or BINARY:0xOFFSET; the last colon splits, so paths may hold colons.</summary>
    internal static (string Binary, string? Symbol, ulong Offset) ParseTarget(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new BpfException($"uprobe target \"{text}\" must be BINARY:SYMBOL, BINARY:SYMBOL+OFFSET or BINARY:0xFILEOFFSET");
        var (binary, rest) = (text[..colon], text[(colon + 1)..]);
        if (rest.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(rest.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var fileOffset)
                ? (binary, null, fileOffset) : throw new BpfException($"uprobe target \"{text}\": {rest} is not a hexadecimal file offset");
        var plus = rest.LastIndexOf('+');
        if (plus < 0) return (binary, rest, 0);
        var number = rest[(plus + 1)..];
        var ok = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(number.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset)
            : ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        return ok && plus > 0 ? (binary, rest[..plus], offset) : throw new BpfException($"uprobe target \"{text}\": the offset after + must be a number");
    }

    private static void Hold(TextWriter stdout, BpfAttachment link, string name, string what, string? pinPath, Action<string>? pin)
    {
        var id = link.Program.Info.Id;
        if (pinPath is not null && pin is not null)
        {
            pin(pinPath);
            link.Dispose();
            stdout.WriteLine($"attached program '{name}' (id {id}) to {what} with a link pinned at {pinPath}; remove it with: ebpf detach {pinPath}");
            return;
        }
        stdout.WriteLine($"attached program '{name}' (id {id}) to {what}; press Ctrl+C to detach");
        using var stop = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
        stop.Wait();
        link.Dispose();
        stdout.WriteLine("detached");
    }
}
