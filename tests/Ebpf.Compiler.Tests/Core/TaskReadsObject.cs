using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Generation;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>
/// Programs/TaskReads.cs built as a user would: kernel types generated from this kernel's BTF, compiled with the program
/// by Roslyn (with a PDB), then compiled to a BPF object by the C# compiler.
/// </summary>
internal static class TaskReadsObject
{
    private static readonly Lazy<(Type Programs, byte[] Object)> Built = new(() =>
    {
        using var kernel = Btf.LoadKernel();
        var directory = Path.Combine(Path.GetTempPath(), $"ebpf-core-tests-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(directory);
            var typesPath = Path.Combine(directory, "KernelTypes.g.cs");
            File.WriteAllText(typesPath, new BtfCSharpGenerator(kernel, "Kernel.Generated").Generate(["task_struct", "pid_type"], Btf.KernelPath));
            var programPath = Path.Combine(AppContext.BaseDirectory, "Core", "Programs", "TaskReads.cs");
            var assembly = GeneratedCode.Compile([(typesPath, File.ReadAllText(typesPath)), (programPath, File.ReadAllText(programPath))], "CoreTaskReads", directory);
            var programs = assembly.GetType("CoreTests.TaskReads", throwOnError: true)!;
            return (programs, ProgramCompiler.Compile(programs));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    public static Type Programs => Built.Value.Programs;
    public static byte[] Object => Built.Value.Object;
    public static string SourcePath => Path.Combine(AppContext.BaseDirectory, "Core", "Programs", "TaskReads.cs");

    /// <summary>The C# line of the first statement containing <paramref name="text"/> in TaskReads.cs.</summary>
    public static int LineOf(string text) => Array.FindIndex(File.ReadAllLines(SourcePath), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    /// <summary>What a relocated instruction holds: an ALU immediate, a load's offset, or an LD_IMM64 constant.</summary>
    public static long ValueOf(Instruction ins) =>
        ins.IsLoadImm64 ? ins.Constant : ins.Class is InstructionClass.Ldx or InstructionClass.St or InstructionClass.Stx ? ins.Offset : ins.Imm;

    /// <summary>
    /// A second layout of task_struct and pid_type in which everything the programs read moved: tgid at 4000, real_parent
    /// at 5000, the sched_reset_on_fork bit at 7777, the struct 8192 bytes, PIDTYPE_SID = 7. Without
    /// <paramref name="withParent"/>, task_struct has no real_parent at all.
    /// </summary>
    public static byte[] MovedLayout(bool withParent = true)
    {
        var b = new BtfBuilder();
        var @int = b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        var @uint = b.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        var forward = b.Add(new BtfForward { Name = "task_struct" });
        var pointer = b.Add(new BtfPointer { Type = forward });
        List<BtfMember> members =
        [
            new("pid", @int, 3996 * 8),
            new("tgid", @int, 4000 * 8),
            new("sched_reset_on_fork", @uint, 7777, 1),
        ];
        if (withParent) members.Insert(2, new("real_parent", pointer, 5000 * 8));
        b.Add(new BtfStruct { Name = "task_struct", Size = 8192, Members = members, HasBitfieldSizes = true });
        b.Add(new BtfEnum
        {
            Name = "pid_type", Size = 4,
            Values = [new("PIDTYPE_PID", 0), new("PIDTYPE_TGID", 1), new("PIDTYPE_PGID", 2), new("PIDTYPE_SID", 7), new("PIDTYPE_MAX", 8)],
        });
        return b.ToBytes();
    }

    public static MethodInfo Program(string name) => Programs.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}
