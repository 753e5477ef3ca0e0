using System.CommandLine;
using System.Text.RegularExpressions;
using Ebpf.Cli.Commands.Kernel;
using Ebpf.Cli.Output;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf btf funcs [PATTERN] [--kind fentry|lsm|tp_btf] [--file BTF] [--json]</c> (alias <c>btf targets</c>): what
/// BTF-typed tracing programs can attach to. fentry (fexit, fmod_ret): BTF FUNC names; lsm: FUNCs named bpf_lsm_HOOK,
/// shown as HOOK (section lsm/HOOK); tp_btf: typedefs named btf_trace_EVENT, shown as EVENT (section tp_btf/EVENT).
/// Read from /sys/kernel/btf/vmlinux and every module's BTF beside it, or from one file.
/// </summary>
internal static class BtfFuncsCommand
{
    internal sealed record Target(string Name, string? Module, int BtfId);

    private const string KernelBtfDirectory = "/sys/kernel/btf";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var pattern = new Argument<string?>("pattern") { Description = "A glob (* and ?) the names must match; all names without it", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<string>("--kind", "-k") { Description = "fentry (also fexit, fmod_ret): kernel functions; lsm: LSM hooks; tp_btf: BTF tracepoints", DefaultValueFactory = _ => "fentry" };
        kind.AcceptOnlyFromAmong("fentry", "fexit", "fmod_ret", "lsm", "tp_btf");
        var file = new Option<string?>("--file", "-f") { Description = "Read this BTF (a raw BTF file, a module's /sys/kernel/btf/NAME, or a BPF object) instead of the kernel's and its modules'" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts: an array of { name, module, btf_id }" };
        var command = new Command("funcs", "List what fentry/fexit/fmod_ret, lsm and tp_btf programs can attach to, from the kernel's BTF") { pattern, kind, file, json };
        command.Aliases.Add("targets");
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var targets = Find(parse.GetValue(kind)!, parse.GetValue(pattern), parse.GetValue(file));
            if (parse.GetValue(json))
                Json.Write(stdout, targets);
            else
                foreach (var t in targets)
                    stdout.WriteLine(t.Module is null ? t.Name : $"{t.Name} [{t.Module}]");
        }));
        return command;
    }

    internal static List<Target> Find(string kind, string? pattern, string? file)
    {
        var (btfKind, prefix) = kind switch
        {
            "lsm" => (BtfKind.Func, "bpf_lsm_"),
            "tp_btf" => (BtfKind.Typedef, "btf_trace_"),
            _ => (BtfKind.Func, ""),
        };
        var glob = pattern is null ? null : new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);
        var found = new List<Target>();
        void Add(int id, BtfKind k, string name, string? module)
        {
            if (k != btfKind || !name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length) return;
            var shown = name[prefix.Length..];
            if (glob is null || glob.IsMatch(shown)) found.Add(new Target(shown, module, id));
        }

        if (file is not null && !IsModuleBtf(file))
        {
            using var btf = BtfCommand.Open(file);
            Scan(btf, (id, k, name) => Add(id, k, name, null));
        }
        else
        {
            using var vmlinux = BtfSpec.LoadKernel();
            IEnumerable<string> modules;
            if (file is null)
            {
                Scan(vmlinux, (id, k, name) => Add(id, k, name, null));
                modules = Directory.Exists(KernelBtfDirectory)
                    ? Directory.EnumerateFiles(KernelBtfDirectory).Where(p => Path.GetFileName(p) != "vmlinux")
                    : [];
            }
            else
                modules = [file];
            foreach (var path in modules)
                foreach (var t in ModuleBtf.Read(path, vmlinux))
                    Add(t.Id, t.Kind, t.Name, Path.GetFileName(path));
        }
        return found.DistinctBy(t => (t.Name, t.Module))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Module ?? "", StringComparer.Ordinal).ToList();
    }

    /// <summary>A module's BTF under /sys/kernel/btf is split on vmlinux; every other file is read on its own.</summary>
    private static bool IsModuleBtf(string path) =>
        Path.GetDirectoryName(Path.GetFullPath(path)) == KernelBtfDirectory && Path.GetFileName(path) != "vmlinux";

    private static void Scan(BtfSpec btf, Action<int, BtfKind, string> each)
    {
        for (int id = 1; id < btf.Count; id++)
        {
            var k = btf.KindOf(id);
            if (k is BtfKind.Func or BtfKind.Typedef)
                each(id, k, btf[id].Name);
        }
    }
}
