using System.Text;

namespace Ebpf.Asm.Tests;

/// <summary>Line-by-line comparison of our disassembly with llvm's, reporting the first mismatches with their bytes.</summary>
internal static class Compare
{
    public static void Lines(string what, IReadOnlyList<LlvmLine> expected, IReadOnlyList<DisassembledLine> actual, Func<LlvmLine, bool>? skipText = null)
    {
        var problems = new List<string>();
        int n = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < n && problems.Count < 15; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.Slot != a.Slot || e.Hex != a.HexBytes)
            {
                problems.Add($"line {i}: llvm has slot {e.Slot} [{e.Hex}], we have slot {a.Slot} [{a.HexBytes}]");
                break; // structure diverged: later lines are noise
            }
            if (skipText?.Invoke(e) == true) continue;
            if (e.Text != a.Text)
                problems.Add($"slot {e.Slot} [{e.Hex}]: llvm \"{e.Text}\", we \"{a.Text}\"");
        }
        if (problems.Count == 0 && expected.Count != actual.Count)
            problems.Add($"llvm printed {expected.Count} lines, we {actual.Count}");
        if (problems.Count > 0)
        {
            var sb = new StringBuilder($"{what}: disassembly differs from llvm-objdump-14\n");
            foreach (var p in problems) sb.Append("  ").Append(p).Append('\n');
            Assert.Fail(sb.ToString());
        }
    }
}
