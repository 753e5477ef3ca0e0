using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ebpf.Tests;

/// <summary>llvm-objdump-14, llvm-readelf-14 and bpftool run on an object, their output parsed into comparable parts.</summary>
internal static partial class LlvmTools
{
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        Assert.DoesNotContain("warning", stderr);
        return stdout.Result;
    }

    /// <summary>
    /// <c>bpftool prog loadall</c>: loads every program of the object through libbpf, pinned in a fresh directory of
    /// bpffs; returns the pinned names (the programs) and removes the pins.
    /// </summary>
    public static string[] LoadAll(string path, string tag)
    {
        var pins = $"/sys/fs/bpf/{tag}-{Environment.ProcessId}";
        try
        {
            Run("bpftool", "prog", "loadall", path, pins);
            return Directory.GetFileSystemEntries(pins).Select(p => Path.GetFileName(p)!).Order().ToArray();
        }
        finally
        {
            if (Directory.Exists(pins))
            {
                foreach (var pin in Directory.GetFileSystemEntries(pins)) File.Delete(pin);
                Directory.Delete(pins);
            }
        }
    }

    /// <summary>Instruction lines of each function from <c>llvm-objdump -d</c>, without relocation annotations.</summary>
    public static Dictionary<string, List<string>> Disassembly(string path)
    {
        var result = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in Run("llvm-objdump-14", "-d", "--mattr=+alu32", path).Split('\n'))
        {
            // clang's branch labels (LBB0_2) head blocks of the function they are in.
            if (FunctionHeader().Match(line) is { Success: true } h && !h.Groups[1].Value.StartsWith("LBB", StringComparison.Ordinal))
                result[h.Groups[1].Value] = current = [];
            else if (current is not null && InstructionLine().IsMatch(line))
                current.Add(JumpTarget().Replace(line.Trim(), "")); // "<LBB0_2>" in clang's, "<f+0x20>" in ours (no labels)
        }
        return result;
    }

    public sealed record Section(string Name, string Type, string Flags);
    public sealed record Symbol(string Name, string Type, string Bind, string Section, ulong Value, ulong Size);
    public sealed record Relocation(string Section, ulong Offset, string Type, string Symbol);

    /// <summary>Sections, symbols and relocations from <c>llvm-readelf -S -s -r</c>.</summary>
    public static (List<Section> Sections, List<Symbol> Symbols, List<Relocation> Relocations) ReadElf(string path)
    {
        var sections = new List<Section>();
        var byIndex = new Dictionary<int, string>();
        var symbols = new List<Symbol>();
        var relocations = new List<Relocation>();
        string? relocationSection = null;
        foreach (var line in Run("llvm-readelf-14", "-S", "-s", "-r", path).Split('\n'))
        {
            if (SectionLine().Match(line) is { Success: true } s)
            {
                sections.Add(new Section(s.Groups[2].Value, s.Groups[3].Value, s.Groups[4].Value));
                byIndex[int.Parse(s.Groups[1].Value)] = s.Groups[2].Value;
            }
            else if (RelocationHeader().Match(line) is { Success: true } rh)
                relocationSection = rh.Groups[1].Value;
            else if (relocationSection is not null && RelocationLine().Match(line) is { Success: true } r)
                relocations.Add(new Relocation(relocationSection, Convert.ToUInt64(r.Groups[1].Value, 16), r.Groups[2].Value, r.Groups[3].Value));
            else if (SymbolLine().Match(line) is { Success: true } y)
            {
                var index = y.Groups[5].Value;
                var section = int.TryParse(index, out var i) ? byIndex[i] : index;
                symbols.Add(new Symbol(y.Groups[6].Value.Trim(), y.Groups[3].Value, y.Groups[4].Value, section,
                    Convert.ToUInt64(y.Groups[1].Value, 16), ulong.Parse(y.Groups[2].Value)));
            }
        }
        return (sections, symbols, relocations);
    }

    [GeneratedRegex(@"^[0-9a-f]+ <([^>]+)>:$")]
    private static partial Regex FunctionHeader();
    [GeneratedRegex(@" <[^>]+>$")]
    private static partial Regex JumpTarget();
    [GeneratedRegex(@"^\s+\d+:\s")]
    private static partial Regex InstructionLine();
    [GeneratedRegex(@"^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+$")]
    private static partial Regex SectionLine();
    [GeneratedRegex(@"^Relocation section '([^']+)'")]
    private static partial Regex RelocationHeader();
    [GeneratedRegex(@"^([0-9a-f]{16})\s+[0-9a-f]{16}\s+(\S+)\s+[0-9a-f]{16}\s+(\S+)")]
    private static partial Regex RelocationLine();
    [GeneratedRegex(@"^\s*\d+:\s+([0-9a-f]{16})\s+(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s?(.*)$")]
    private static partial Regex SymbolLine();
}
