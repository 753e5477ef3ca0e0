using System.Reflection;
using System.Text;
using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Native;
using Ebpf.Object.Btf;
using Ebpf.Object.Sections;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// The compiler's table of helpers each kind of program may not call is what this kernel says: every helper of the
/// kernel-side library is probed with a tiny program of every program type and attach type the attributes make,
/// BTF-attached kinds with a real target (the verifier refuses a helper before it looks at the arguments). Kinds this
/// kernel refuses to load at all (fentry, fexit, fmod_ret and LSM here: EPERM) cannot be probed: their rows are the
/// table's own, written from the kernel's source, and this test says so instead of passing them off as probed.
/// </summary>
public unsafe class HelperAvailabilityTests
{
    /// <summary>A target in vmlinux for each BTF-attached kind probed, by the kind of BTF type it names.</summary>
    private static readonly Dictionary<BpfAttachType, (string Name, BtfKind Kind)> Targets = new()
    {
        [BpfAttachType.TraceRawTp] = ("btf_trace_sched_switch", BtfKind.Typedef),
        [BpfAttachType.TraceFentry] = ("bpf_fentry_test1", BtfKind.Func),
        [BpfAttachType.TraceFexit] = ("bpf_fentry_test1", BtfKind.Func),
        [BpfAttachType.ModifyReturn] = ("bpf_modify_return_test", BtfKind.Func),
        [BpfAttachType.TraceIter] = ("bpf_iter_task", BtfKind.Func),
        [BpfAttachType.LsmMac] = ("bpf_lsm_file_open", BtfKind.Func),
        [BpfAttachType.LsmCgroup] = ("bpf_lsm_socket_post_create", BtfKind.Func),
    };

    [KernelFact]
    public void The_table_matches_the_running_kernel()
    {
        var helpers = typeof(BpfContext).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<HelperAttribute>()?.Id).OfType<int>().Distinct().Order().ToList();
        using var vmlinux = Btf.LoadKernel();
        var probed = new List<(ProgramKind Kind, SortedSet<int>? Refused)>(); // null: the kind does not load here
        foreach (var kind in Kinds())
        {
            uint target = 0;
            if (kind.Attach is { } a && Targets.TryGetValue(a, out var t))
                target = (uint)(vmlinux.FindByName(t.Name, t.Kind)?.Id ?? throw new Xunit.Sdk.XunitException($"vmlinux has no {t.Kind} {t.Name} to probe {kind} with"));
            var refused = new SortedSet<int>();
            var loads = true;
            foreach (var id in helpers)
            {
                var answer = Probe(kind, target, id);
                if (answer is null) { loads = false; break; }
                if (answer.Value) refused.Add(id);
            }
            probed.Add((kind, loads ? refused : null));
        }

        // Rows as the table writes them: a type's first kind without an attach type, the others only where they differ.
        var rows = new SortedDictionary<ProgramKind, IEnumerable<int>>();
        var unprobed = new List<ProgramKind>();
        foreach (var group in probed.GroupBy(p => p.Kind.Type))
        {
            var first = group.First();
            foreach (var (kind, refused) in group)
            {
                var row = kind == first.Kind ? kind with { Attach = null } : kind;
                if (refused is null)
                {
                    unprobed.Add(row);
                    if (HelperAvailability.Refused.TryGetValue(row, out var declared)) rows[row] = declared;
                }
                else if (kind == first.Kind ? refused.Count > 0 : first.Refused is not { } same || !same.SetEquals(refused))
                    rows[row] = refused;
            }
        }
        var expected = new StringBuilder();
        foreach (var (kind, ids) in rows) expected.AppendLine(Row(kind, ids));
        var table = new StringBuilder();
        foreach (var (kind, ids) in HelperAvailability.Refused.OrderBy(p => p.Key))
            table.AppendLine(Row(kind, ids));
        Assert.True(expected.ToString() == table.ToString(), $"HelperAvailability.Refused should read:\n{expected}\nNot loadable here: {string.Join(", ", unprobed)}");
        // The kinds written from source are the ones this kernel refuses to load; on a kernel that loads them they are probed above.
        Assert.Equal(HelperAvailability.FromSource.Order(), unprobed.Where(HelperAvailability.Refused.ContainsKey).Order());
    }

    [Fact]
    public void An_attach_type_row_wins_over_its_program_type_row()
    {
        const int SeqPrintf = 126, GetFuncIp = 173;
        Assert.False(HelperAvailability.Allows(BpfProgramType.Tracing, BpfAttachType.TraceRawTp, SeqPrintf));
        Assert.True(HelperAvailability.Allows(BpfProgramType.Tracing, BpfAttachType.TraceIter, SeqPrintf));
        Assert.False(HelperAvailability.Allows(BpfProgramType.Tracing, BpfAttachType.TraceRawTp, GetFuncIp));
        Assert.True(HelperAvailability.Allows(BpfProgramType.Tracing, BpfAttachType.TraceFentry, GetFuncIp));
        Assert.False(HelperAvailability.Allows(BpfProgramType.Tracing, null, SeqPrintf));
        Assert.False(HelperAvailability.Allows(BpfProgramType.Lsm, BpfAttachType.LsmMac, GetFuncIp));
    }

    [Fact]
    public void The_compiler_asks_by_attach_type()
    {
        ProgramCompiler.Compile(typeof(FuncIpInFEntry)); // the same call tp_btf is refused (BadPrograms.FuncIpInTpBtf)
        ProgramCompiler.Compile(typeof(SeqPrintfInIter));
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(typeof(SeqPrintfInTpBtf)));
        Assert.Equal("EBPF074", e.Code);
        Assert.Contains("bpf_seq_printf (#126) is not available to 'tp_btf' programs", e.Message);
    }

    [License("GPL")]
    private static class FuncIpInFEntry
    {
        [FEntry("do_unlinkat")]
        public static int Run() => Bpf.GetFuncIp() == 0 ? 0 : 1;
    }

    [License("GPL")]
    private static class SeqPrintfInIter
    {
        [Iter("task")]
        public static int Run(TaskIterContext* ctx) => Bpf.SeqPrintf(ctx->Meta->Seq, "x") < 0 ? 1 : 0;
    }

    [License("GPL")]
    private static class SeqPrintfInTpBtf
    {
        [TpBtf("sched_switch")]
        public static int Run(ulong preempt) => Bpf.SeqPrintf(preempt, "x") < 0 ? 1 : 0;
    }

    private static string Row(ProgramKind kind, IEnumerable<int> ids) =>
        $"        [new({Name(kind.Type)}, {(kind.Attach is { } a ? $"BpfAttachType.{a}" : "null")})] = [{string.Join(", ", ids.Order())}],";

    private static string Name(BpfProgramType type) => $"BpfProgramType.{type}";

    /// <summary>Every (program type, expected attach type) an attribute of the library makes, once, in section-table order; sleepable variants are the same kind.</summary>
    private static IEnumerable<ProgramKind> Kinds() =>
        SectionTable.Entries.Where(e => e.ProgramType != BpfProgramType.Unspec && !e.Sleepable
                && (!e.Flags.HasFlag(SectionFlags.AttachBtf) || e.ExpectedAttachType is { } a && Targets.ContainsKey(a)))
            .Select(e => new ProgramKind(e.ProgramType, e.ExpectedAttachType)).Distinct();

    /// <summary>True when the kernel refuses this helper to this kind; false when not; null when the kind itself does not load here.</summary>
    private static bool? Probe(ProgramKind kind, uint target, int helper)
    {
        // r1 stays the context (some helpers are refused only after their context argument is checked); r2-r5 are 0.
        List<Instruction> code = [.. Enumerable.Range(2, 4).Select(r => Instruction.Mov64((Register)r, 0)), Instruction.CallHelper(helper), Instruction.Mov64(Register.R0, 0), Instruction.Exit()];
        try
        {
            using var fd = BpfSyscall.ProgLoad(new ProgLoadRequest(kind.Type, InstructionEncoder.Encode(code), "GPL") { ExpectedAttachType = kind.Attach, AttachBtfId = target, LogLevel = 1 });
            return false;
        }
        catch (BpfVerifierException e) when (!string.IsNullOrWhiteSpace(e.Log))
        {
            return HelperAvailability.IsRefusal(e.Log);
        }
        catch (BpfSyscallException)
        {
            return null; // the kind does not load here (no kprobes, no lirc; lockdown refuses trampolines and LSM)
        }
    }
}
