using System.CommandLine;
using Ebpf.Object;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// The tracing attach verbs: <c>ebpf attach tracepoint CATEGORY/NAME FILE --program NAME [--cookie N] [--pin PATH]</c>,
/// <c>ebpf attach raw-tracepoint NAME FILE ...</c>, <c>ebpf attach tracing FILE --program NAME</c> (tp_btf, fentry,
/// fexit, fmod_ret, lsm: the target is the section's) and <c>ebpf attach perf-event FILE --program NAME --frequency HZ
/// [--pid N] [--cpu N]</c>. Without --pin each holds its link until Ctrl+C or SIGTERM.
/// </summary>
internal static class TracingAttachCommands
{
    public static Command Tracepoint(TextWriter stdout, TextWriter stderr)
    {
        var tracepoint = new Argument<string>("tracepoint") { Description = "CATEGORY/NAME, e.g. sched/sched_process_exec (ls /sys/kernel/tracing/events lists them)" };
        var (file, program, cookie, pin) = Common();
        var command = new Command("tracepoint", "Attach a tracepoint program to a kernel tracepoint") { tracepoint, file, program, cookie, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
            Run(stdout, parse.GetValue(file)!, parse.GetValue(program)!, parse.GetValue(pin), p =>
                (p.AsTracepoint().Attach(parse.GetValue(tracepoint)!, parse.GetValue(cookie)), $"tracepoint {parse.GetValue(tracepoint)}"))));
        return command;
    }

    public static Command RawTracepoint(TextWriter stdout, TextWriter stderr)
    {
        var tracepoint = new Argument<string>("tracepoint") { Description = "The raw tracepoint's name without category, e.g. sched_switch or sys_enter" };
        var (file, program, cookie, pin) = Common();
        var command = new Command("raw-tracepoint", "Attach a raw tracepoint program (raw_tp, raw_tp.w) by tracepoint name") { tracepoint, file, program, cookie, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
            Run(stdout, parse.GetValue(file)!, parse.GetValue(program)!, parse.GetValue(pin), p =>
                (p.AsRawTracepoint().Attach(parse.GetValue(tracepoint)!, parse.GetValue(cookie)), $"raw tracepoint {parse.GetValue(tracepoint)}"))));
        return command;
    }

    public static Command Tracing(TextWriter stdout, TextWriter stderr)
    {
        var (file, program, cookie, pin) = Common();
        var command = new Command("tracing", "Attach a tp_btf, fentry, fexit, fmod_ret or lsm program where its section points") { file, program, cookie, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
            Run(stdout, parse.GetValue(file)!, parse.GetValue(program)!, parse.GetValue(pin), p =>
            {
                var link = p.Type == BpfProgramType.Lsm ? p.AsLsm().Attach(parse.GetValue(cookie)) : p.AsTracing().Attach(parse.GetValue(cookie));
                return (link, $"{p.SectionName}");
            })));
        return command;
    }

    public static Command PerfEvent(TextWriter stdout, TextWriter stderr)
    {
        var (file, program, cookie, pin) = Common();
        var frequency = new Option<ulong>("--frequency", "-F") { Description = "Samples a second of the software CPU clock", DefaultValueFactory = _ => 99 };
        var pid = new Option<int?>("--pid") { Description = "Sample only this process's threads (default: everything, on every CPU)" };
        var cpu = new Option<int[]>("--cpu") { Description = "Sample only on these CPUs", AllowMultipleArgumentsPerToken = true };
        pin.Description = "Pin each per-CPU link in this bpffs directory (created) as 0, 1, ...; remove them with ebpf detach DIR/N";
        var command = new Command("perf-event", "Attach a perf_event program to a CPU-clock sampler, per CPU or per process") { file, program, frequency, pid, cpu, cookie, pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var spec = PerfEventSpec.CpuClock(parse.GetValue(frequency));
            if (parse.GetValue(pid) is { } p) spec = spec.ForProcess(p);
            else if (parse.GetValue(cpu) is { Length: > 0 } cpus) spec = spec.OnCpus(cpus);
            var name = parse.GetValue(program)!;
            using var bpf = BpfObject.Load(BpfObjectFile.Read(parse.GetValue(file)!), new BpfLoadOptions { Programs = [name] });
            var loaded = bpf.Programs[name];
            using var links = loaded.AsPerfEvent().Attach(spec, parse.GetValue(cookie));
            var attached = $"attached program '{name}' (id {loaded.Info.Id}) to {spec} ({links.Attachments.Count} event(s))";
            LinkHolder.PinOrHold(stdout, attached, parse.GetValue(pin), dir => { Directory.CreateDirectory(dir); links.Pin(dir); }, links);
        }));
        return command;
    }

    private static (Argument<string> File, Option<string> Program, Option<ulong> Cookie, Option<string?> Pin) Common() => (
        new Argument<string>("file") { Description = "The BPF object holding the program" },
        new Option<string>("--program", "-p") { Description = "The program (function) to attach", Required = true },
        new Option<ulong>("--cookie") { Description = "The value bpf_get_attach_cookie returns in the program" },
        new Option<string?>("--pin") { Description = "Pin the link on bpffs so it outlives this command; remove it with ebpf detach PATH" });

    private static void Run(TextWriter stdout, string file, string name, string? pinPath, Func<BpfProgram, (BpfAttachment Link, string Target)> attach)
    {
        using var bpf = BpfObject.Load(BpfObjectFile.Read(file), new BpfLoadOptions { Programs = [name] });
        var loaded = bpf.Programs[name];
        var (attachment, target) = attach(loaded);
        using (attachment)
        {
            var attached = $"attached program '{name}' (id {loaded.Info.Id}) to {target}";
            LinkHolder.PinOrHold(stdout, attached, pinPath, path =>
                (attachment as BpfLink ?? throw new BpfException($"this kernel has no perf event links (Linux 5.15+), so the attachment of '{name}' cannot be pinned; run without --pin")).Pin(path),
                attachment);
        }
    }
}
