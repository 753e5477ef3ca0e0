using System.Diagnostics;
using System.Text.RegularExpressions;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests;

public class DisasmTests
{
    [Fact]
    public void Instructions_match_llvm_objdump_with_source_lines_and_relocations()
    {
        var (code, output, _) = CliRunner.Run("disasm", Fixtures.Path("cgroup_skb"), "--program", "filter_egress");
        Assert.Equal(0, code);
        Assert.StartsWith("filter_egress (cgroup_skb/egress, 22 instructions):", output);
        Assert.Contains("; cgroup_skb.c:54: __u64 *hits = bpf_map_lookup_elem(&blocked, &addr);", output);
        Assert.Contains("r1 = 0 ll\t; map blocked", output);

        // The instruction text is llvm-objdump-14's, slot for slot.
        var ours = Regex.Matches(output, @"^\s+(\d+):\t([^\t\n]+)", RegexOptions.Multiline).ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
        var llvm = LlvmObjdump(Fixtures.Path("cgroup_skb"), "filter_egress");
        Assert.Equal(llvm.Count, ours.Count);
        foreach (var (slot, text) in llvm)
            Assert.Equal(text, ours[slot]);
    }

    [Fact]
    public void Subprograms_and_calls_are_shown()
    {
        var output = CliRunner.Run("disasm", Fixtures.Path("subprog")).Out;
        Assert.Contains("prog_b (socket, 8 instructions):", output);
        Assert.Contains("add_mul (subprogram in .text", output);
        Assert.Contains("call 10\t; call fold", output);
    }

    [Fact]
    public void Unknown_program_lists_the_known_ones()
    {
        var (code, _, error) = CliRunner.Run("disasm", Fixtures.Path("subprog"), "--program", "nope");
        Assert.Equal(1, code);
        Assert.Contains("no program or subprogram 'nope'", error);
        Assert.Contains("prog_a", error);
    }

    /// <summary>llvm-objdump-14's text for one function, keyed by slot relative to the function.</summary>
    private static Dictionary<int, string> LlvmObjdump(string path, string function)
    {
        var psi = new ProcessStartInfo("llvm-objdump-14", ["-d", "--mattr=+alu32", "--no-show-raw-insn", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var result = new Dictionary<int, string>();
        var inFunction = false;
        int? start = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.EndsWith(">:") && !line.Contains("<LBB"))  // LBB labels are jump targets inside a function
            {
                inFunction = line.Contains($"<{function}>:");
                start = null;
                continue;
            }
            var m = Regex.Match(line, @"^\s+(\d+):\s+(.+)$");
            if (!inFunction || !m.Success) continue;
            var slot = int.Parse(m.Groups[1].Value);
            start ??= slot;
            result[slot - start.Value] = Regex.Replace(m.Groups[2].Value.TrimEnd(), @" <[^>]+>$", "");
        }
        return result;
    }
}
