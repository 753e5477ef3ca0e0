using System.CommandLine;
using Ebpf.Asm;
using Ebpf.Cli.Output;
using Ebpf.Object;
using Ebpf.Object.Programs;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf disasm FILE [--program NAME]</c>: instructions in llvm-objdump syntax, with source lines from line_info.</summary>
internal static class DisasmCommand
{
    private sealed record Line(int Offset, string Text, string? Relocation, string? Source);
    private sealed record Function(string Name, string Section, bool Subprogram, int Slots, IReadOnlyList<Line> Instructions);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A BPF ELF object (.o)" };
        var program = new Option<string?>("--program", "-p") { Description = "Only this program or subprogram" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("disasm", "Disassemble the programs of a BPF object") { file, program, json };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var obj = BpfObjectFile.Read(parse.GetValue(file)!);
            var functions = obj.Programs.Concat(obj.Subprograms).ToList();
            if (parse.GetValue(program) is { } name)
            {
                var match = obj.FindProgram(name)
                    ?? throw new BpfException($"{obj.Source} has no program or subprogram '{name}'; it has: {string.Join(", ", functions.Select(f => f.Name))}");
                functions = [match];
            }
            var result = functions.Select(Disassemble).ToList();
            if (parse.GetValue(json))
                Json.Write(stdout, result);
            else
                WriteText(stdout, result);
        }));
        return command;
    }

    private static Function Disassemble(ProgramSpec p)
    {
        var relocations = p.Relocations.ToDictionary(r => r.InstructionOffset, r => r.Description);
        // Line 0 is the compiler's "no particular line"; like llvm-objdump -S, show a line only where it changes.
        var lines = p.LineInfos.Where(l => l.Line != 0).GroupBy(l => l.InstructionOffset).ToDictionary(g => g.Key, g => g.Last());
        var result = new List<Line>(p.Instructions.Length);
        var slot = 0;
        (string, int)? shown = null;
        foreach (var ins in p.Instructions)
        {
            string? source = null;
            if (lines.TryGetValue(slot, out var l) && shown != (l.FileName, l.Line))
            {
                source = $"{Path.GetFileName(l.FileName)}:{l.Line}: {l.LineText.Trim()}";
                shown = (l.FileName, l.Line);
            }
            result.Add(new Line(slot, Disassembler.Format(ins), relocations.GetValueOrDefault(slot), source));
            slot += ins.Slots;
        }
        return new Function(p.Name, p.SectionName, p.IsSubprogram, p.SlotCount, result);
    }

    private static void WriteText(TextWriter w, IReadOnlyList<Function> functions)
    {
        foreach (var f in functions)
        {
            w.WriteLine($"{f.Name} ({(f.Subprogram ? "subprogram in " : "")}{f.Section}, {f.Slots} instructions):");
            foreach (var i in f.Instructions)
            {
                if (i.Source is not null)
                    w.WriteLine($"; {i.Source}");
                w.WriteLine(i.Relocation is null ? $"{i.Offset,8}:\t{i.Text}" : $"{i.Offset,8}:\t{i.Text}\t; {i.Relocation}");
            }
            w.WriteLine();
        }
    }
}
