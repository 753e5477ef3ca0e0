using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf attach kprobe FILE --program NAME [--function FUNC[+OFFSET] | --syscall NAME | --multi PATTERN...] [--retprobe]
/// [--cookie N] [--pin PATH]</c>: where the section says (kprobe/, kretprobe/, ksyscall/, kprobe.multi/, ...) or at the
/// function given. A kernel without kprobes fails in the library's attach, with the error naming the config option.
/// </summary>
internal static class KprobeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The BPF object holding the program" };
        var program = new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true };
        var function = new Option<string?>("--function", "-f") { Description = "The kernel function to probe, FUNC or FUNC+OFFSET (default: the section's)" };
        var syscall = new Option<string?>("--syscall") { Description = "The system call to probe at its arch-specific entry, e.g. unlinkat" };
        var multi = new Option<string[]>("--multi") { Description = "Functions or patterns (* and ?) for one kprobe_multi link", AllowMultipleArgumentsPerToken = true };
        var retprobe = new Option<bool>("--retprobe") { Description = "Probe the function's return (with --function, --syscall or --multi)" };
        var cookie = new Option<ulong>("--cookie") { Description = "The value bpf_get_attach_cookie returns in the program" };
        var pin = new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command; remove it with ebpf detach PATH" };
        var command = new Command("kprobe", "Attach a kprobe, kretprobe, ksyscall or kprobe.multi program to kernel functions")
            { file, program, function, syscall, multi, retprobe, cookie, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var name = parse.GetValue(program)!;
            var (func, call, patterns) = (parse.GetValue(function), parse.GetValue(syscall), parse.GetValue(multi) ?? []);
            if ((func is null ? 0 : 1) + (call is null ? 0 : 1) + (patterns.Length == 0 ? 0 : 1) > 1)
                throw new BpfException("give one of --function, --syscall and --multi (or none, to attach where the program's section says)");
            using var bpf = BpfObject.Load(BpfObjectFile.Read(parse.GetValue(file)!), new BpfLoadOptions { Programs = [name] });
            var loaded = bpf.Programs[name];
            var kprobe = loaded.AsKprobe();
            var (ret, c) = (parse.GetValue(retprobe), parse.GetValue(cookie));
            (BpfAttachment attachment, string target) = (func, call) switch
            {
                ({ } f, _) => (kprobe.Attach(Function(f), Offset(f), ret, c), $"kernel function {f}{(ret ? " (return)" : "")}"),
                (_, { } s) => (kprobe.AttachSyscall(s, ret, c), $"system call {s}{(ret ? " (return)" : "")}"),
                _ when patterns.Length > 0 => (kprobe.AttachMulti(patterns, ret, c == 0 ? null : [c]), $"kernel functions {string.Join(", ", patterns)}"),
                _ => (kprobe.Attach(c), $"section \"{loaded.SectionName}\""),
            };
            using (attachment)
                LinkHolder.PinOrHold(stdout, $"attached program '{name}' (id {loaded.Info.Id}) to {target}", parse.GetValue(pin), path =>
                    (attachment as BpfLink ?? throw new BpfException($"this kernel has no perf event links (Linux 5.15+), so the kprobe of '{name}' cannot be pinned; run without --pin")).Pin(path),
                    attachment);
        }));
        return command;
    }

    private static string Function(string target) => target.IndexOf('+') is var plus and >= 0 ? target[..plus] : target;

    private static ulong Offset(string target)
    {
        var plus = target.IndexOf('+');
        if (plus < 0) return 0;
        var text = target[(plus + 1)..];
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        return ulong.TryParse(hex ? text[2..] : text, hex ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.None, null, out var offset)
            ? offset : throw new BpfException($"--function {target}: the offset after '+' must be a number of bytes, decimal or 0x hex");
    }
}
