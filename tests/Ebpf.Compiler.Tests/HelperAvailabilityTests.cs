using System.Reflection;
using System.Text;
using Ebpf.Asm;
using Ebpf.Compiler.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Native;
using Ebpf.Object.Sections;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// The compiler's table of helpers each program type may not call is what this kernel says: every helper of the
/// kernel-side library is probed with a tiny program of every type the attributes make (the verifier answers
/// "program of this type cannot use helper" before it looks at the arguments).
/// </summary>
public class HelperAvailabilityTests
{
    [KernelFact]
    public void The_table_matches_the_running_kernel()
    {
        var helpers = typeof(BpfContext).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<HelperAttribute>()?.Id).OfType<int>().Distinct().Order().ToList();
        var probed = new SortedDictionary<BpfProgramType, SortedSet<int>>();
        foreach (var (type, attach) in ProgramTypes())
        {
            var refused = new SortedSet<int>();
            foreach (var id in helpers)
                if (Refuses(type, attach, id)) refused.Add(id);
            if (refused.Count > 0) probed[type] = refused;
        }
        var expected = new StringBuilder();
        foreach (var (type, ids) in probed)
            expected.AppendLine($"        [BpfProgramType.{type}] = [{string.Join(", ", ids)}],");
        var table = new StringBuilder();
        foreach (var (type, ids) in HelperAvailability.Refused.OrderBy(p => p.Key))
            table.AppendLine($"        [BpfProgramType.{type}] = [{string.Join(", ", ids.Order())}],");
        Assert.True(expected.ToString() == table.ToString(), $"HelperAvailability.Refused should read:\n{expected}");
    }

    /// <summary>Every program type an attribute of the library makes that loads without a BTF target, with its expected attach type.</summary>
    private static IEnumerable<(BpfProgramType Type, BpfAttachType? Attach)> ProgramTypes() =>
        SectionTable.Entries.Where(e => !e.Flags.HasFlag(SectionFlags.AttachBtf) && e.ProgramType != BpfProgramType.Unspec)
            .GroupBy(e => e.ProgramType).Select(g => (g.Key, g.First().ExpectedAttachType));

    private static bool Refuses(BpfProgramType type, BpfAttachType? attach, int helper)
    {
        List<Instruction> code = [.. Enumerable.Range(1, 5).Select(r => Instruction.Mov64((Register)r, 0)), Instruction.CallHelper(helper), Instruction.Mov64(Register.R0, 0), Instruction.Exit()];
        try
        {
            using var fd = BpfSyscall.ProgLoad(new ProgLoadRequest(type, InstructionEncoder.Encode(code), "GPL") { ExpectedAttachType = attach, LogLevel = 1 });
            return false;
        }
        catch (BpfVerifierException e)
        {
            return e.Log.Contains("program of this type cannot use helper", StringComparison.Ordinal);
        }
        catch (BpfSyscallException)
        {
            return false; // the type itself does not load here (no kprobes, no lirc): nothing to say about its helpers
        }
    }
}
