using System.CommandLine;
using Ebpf.Cli.Output;
using Ebpf.Object;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf btf dump FILE|vmlinux [--type NAME] [--format raw|c]</c>, and <c>ebpf btf funcs</c> (see <see cref="BtfFuncsCommand"/>).</summary>
internal static class BtfCommand
{
    private sealed record TypeEntry(int Id, string Kind, string Name, string Text);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("source") { Description = "A BPF object, a raw BTF file, or 'vmlinux' for the running kernel's BTF" };
        var type = new Option<string?>("--type", "-t") { Description = "Only the types with this name" };
        var format = new Option<string>("--format", "-f") { Description = "raw (bpftool's listing) or c (C declarations)", DefaultValueFactory = _ => "raw" };
        format.AcceptOnlyFromAmong("raw", "c");
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var dump = new Command("dump", "Print BTF types") { source, type, format, json };
        dump.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var btf = Open(parse.GetValue(source)!);
            var name = parse.GetValue(type);
            var c = parse.GetValue(format) == "c";
            var types = btf.Types.Where(t => t.Id != 0 && (name is null || t.Name == name)).ToList();
            if (name is not null && types.Count == 0)
                throw new BpfException($"no BTF type named '{name}' in {parse.GetValue(source)}");
            var entries = types.Select(t => new TypeEntry(t.Id, Names.Snake(t.Kind), t.Name, c ? BtfPrinter.ToC(btf, t.Id) : BtfPrinter.Describe(btf, t.Id)));
            if (parse.GetValue(json))
                Json.Write(stdout, entries);
            else
                foreach (var e in entries)
                    stdout.WriteLine(e.Text);
        }));
        var command = new Command("btf", "Read BTF type information") { dump, BtfFuncsCommand.Create(stdout, stderr) };
        return command;
    }

    internal static BtfSpec Open(string source)
    {
        if (source == "vmlinux")
            return BtfSpec.LoadKernel();
        if (!File.Exists(source))
            throw new BpfException($"{source}: no such file (give a BPF object, a raw BTF file, or 'vmlinux')");
        using (var f = File.OpenRead(source))
        {
            Span<byte> magic = stackalloc byte[4];
            if (f.Read(magic) == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F')
                return BpfObjectFile.Read(source).Btf ?? throw new BpfException($"{source} has no .BTF section (compile with -g)");
        }
        return BtfSpec.Load(source);
    }
}
