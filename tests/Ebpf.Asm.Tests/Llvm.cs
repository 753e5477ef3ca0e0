using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ebpf.Asm.Tests;

/// <summary>One instruction line of llvm-objdump output.</summary>
public sealed record LlvmLine(int Slot, byte[] Bytes, string Text)
{
    public string Hex => string.Join(' ', Bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}

public sealed record LlvmSection(string Name, List<LlvmLine> Lines)
{
    public byte[] Code => Lines.SelectMany(l => l.Bytes).ToArray();
}

/// <summary>Runs llvm-objdump-14 (and llvm-mc-14 to wrap raw bytes in an object): the reference the disassembler is held to.</summary>
public static partial class Llvm
{
    public const string Objdump = "llvm-objdump-14";
    public const string Mc = "llvm-mc-14";

    public static List<LlvmSection> Disassemble(string objectFile)
    {
        var output = Run(Objdump, $"-d --mattr=+alu32 \"{objectFile}\"");
        var sections = new List<LlvmSection>();
        LlvmSection? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("Disassembly of section ", StringComparison.Ordinal))
            {
                current = new LlvmSection(line["Disassembly of section ".Length..].TrimEnd(':'), new List<LlvmLine>());
                sections.Add(current);
                continue;
            }
            var m = InstructionLine().Match(line);
            if (!m.Success) continue;
            if (current is null) throw new InvalidOperationException($"instruction line before any section: {line}");
            var bytes = m.Groups[2].Value.Trim().Split(' ').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            current.Lines.Add(new LlvmLine(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), bytes, StripJumpAnnotation(m.Groups[3].Value)));
        }
        return sections;
    }

    /// <summary>Wraps <paramref name="code"/> in an object's .text with llvm-mc-14 and disassembles it: one process pair for any amount of code.</summary>
    public static List<LlvmLine> DisassembleBytes(byte[] code)
    {
        var dir = Directory.CreateTempSubdirectory("ebpf-asm-llvm-");
        try
        {
            var asm = new StringBuilder(".text\n");
            for (int i = 0; i < code.Length; i += 8)
                asm.Append(".byte ").AppendJoin(',', code.Skip(i).Take(8).Select(b => b.ToString(CultureInfo.InvariantCulture))).Append('\n');
            var source = Path.Combine(dir.FullName, "code.s");
            var obj = Path.Combine(dir.FullName, "code.o");
            File.WriteAllText(source, asm.ToString());
            Run(Mc, $"-triple bpfel -filetype=obj \"{source}\" -o \"{obj}\"");
            var sections = Disassemble(obj);
            return sections.Single(s => s.Name == ".text").Lines;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // llvm-objdump appends the target symbol to jumps (" <LBB0_2>", " <f+0x18>"); the instruction text is what precedes it.
    private static string StripJumpAnnotation(string text)
    {
        if (!text.Contains("goto", StringComparison.Ordinal)) return text;
        var m = JumpAnnotation().Match(text);
        return m.Success ? text[..m.Index] : text;
    }

    private static string Run(string tool, string arguments)
    {
        var psi = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is needed by these tests (apt-get install llvm-14): {e.Message}", e);
        }
        using (process)
        {
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var stderr = stderrTask.Result;
            if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {stderr}");
            return stdout;
        }
    }

    [GeneratedRegex(@"^\s*(\d+):\t((?:[0-9a-f]{2} ?)+)\t(.*)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@" <[^<>]*>$")]
    private static partial Regex JumpAnnotation();
}
