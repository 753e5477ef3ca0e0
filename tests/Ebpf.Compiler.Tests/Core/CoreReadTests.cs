using Ebpf.Asm;
using Ebpf.Compiler.Lowering;
using Ebpf.CoRe;
using Ebpf.Linking;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>
/// CO-RE from C#: one compiled object (Programs/TaskReads.cs over generated kernel types) relocated against this kernel's
/// BTF and against a second layout in which the fields moved; run in the kernel where the layout is the kernel's.
/// </summary>
public sealed class CoreReadTests
{
    private static readonly Dictionary<string, long> MovedAnswers = new()
    {
        ["tgid offset"] = 4000, ["real_parent offset"] = 5000, ["task_struct size"] = 8192, ["PIDTYPE_SID"] = 7,
        ["bitfield lshift"] = 62, ["bitfield rshift"] = 63, // bit 7777 of a 4-byte load at 972: 64 - (7777 + 1 - 7776), 64 - 1
    };

    [KernelFact]
    public void EveryReadInTheChainIsRelocated()
    {
        var obj = BpfObjectFile.Read(TaskReadsObject.Object);
        var relocations = obj.FindProgram("ParentOf")!.CoreRelocations;
        var local = obj.Btf!;
        var described = relocations.Select(r => $"{r.Kind} {Describe(local, r.TypeId, r.AccessString, r.Kind)}").ToList();
        // task->real_parent, then ->tgid of the parent, then task->tgid: three field offsets, rooted at task_struct.
        Assert.Equal(2, described.Count(d => d == "FieldByteOffset task_struct.tgid"));
        Assert.Single(described, d => d == "FieldByteOffset task_struct.real_parent");
        var kinds = obj.FindProgram("Questions")!.CoreRelocations.Select(r => r.Kind).ToHashSet();
        Assert.Superset(new HashSet<BtfCoreRelocationKind>
        {
            BtfCoreRelocationKind.FieldByteOffset, BtfCoreRelocationKind.FieldByteSize, BtfCoreRelocationKind.FieldExists, BtfCoreRelocationKind.FieldSigned,
            BtfCoreRelocationKind.FieldLShiftU64, BtfCoreRelocationKind.FieldRShiftU64, BtfCoreRelocationKind.TypeIdTarget, BtfCoreRelocationKind.TypeExists,
            BtfCoreRelocationKind.TypeSize, BtfCoreRelocationKind.TypeMatches, BtfCoreRelocationKind.EnumValueExists, BtfCoreRelocationKind.EnumValue,
        }, kinds);
    }

    [KernelFact]
    public void TheSameObjectRelocatesToBothLayouts()
    {
        var obj = BpfObjectFile.Read(TaskReadsObject.Object);
        using var kernel = Btf.LoadKernel();
        using var moved = Btf.Parse(TaskReadsObject.MovedLayout());
        var task = kernel.FindAll("task_struct").OfType<BtfStruct>().Single();
        var sid = kernel.FindAll("pid_type").OfType<BtfEnum>().Single().Values.Single(v => v.Name == "PIDTYPE_SID").Value;
        var bit = task.Members.Single(m => m.Name == "sched_reset_on_fork").BitOffset;
        var load = Ebpf.Kernel.KernelTypes.BitfieldLoad(bit, 1, 4);
        var real = new Dictionary<string, long>
        {
            ["tgid offset"] = task.Members.Single(m => m.Name == "tgid").BitOffset / 8, ["real_parent offset"] = task.Members.Single(m => m.Name == "real_parent").BitOffset / 8,
            ["task_struct size"] = task.Size, ["PIDTYPE_SID"] = sid, ["bitfield lshift"] = load.LShift, ["bitfield rshift"] = load.RShift,
        };
        foreach (var (target, expected) in new[] { (kernel, real), (moved, MovedAnswers) })
        {
            var values = Relocated(obj, target, "ParentOf").Concat(Relocated(obj, target, "Questions")).ToList();
            Assert.Contains(("FieldByteOffset task_struct.tgid", expected["tgid offset"]), values);
            Assert.Contains(("FieldByteOffset task_struct.real_parent", expected["real_parent offset"]), values);
            Assert.Contains(("TypeSize task_struct", expected["task_struct size"]), values);
            Assert.Contains(("EnumValue pid_type::PIDTYPE_SID", expected["PIDTYPE_SID"]), values);
            Assert.Contains(("FieldLShiftU64 task_struct.sched_reset_on_fork", expected["bitfield lshift"]), values);
            Assert.Contains(("FieldRShiftU64 task_struct.sched_reset_on_fork", expected["bitfield rshift"]), values);
            // Nothing still holds the compiled layout's value where the two layouts differ.
            Assert.DoesNotContain(values, v => v.Relocation == "FieldByteOffset task_struct.tgid" && v.Value != expected["tgid offset"]);
        }
        Assert.NotEqual(real["tgid offset"], MovedAnswers["tgid offset"]);
    }

    [KernelFact]
    public void ReadsTheParentOfTheCurrentTaskInTheKernel()
    {
        using var bpf = BpfObject.Load(TaskReadsObject.Object, new BpfLoadOptions { Programs = ["ParentOf", "ParentOfBtf", "Questions"] });
        using (bpf.Programs["ParentOf"].AsRawTracepoint().Attach())
        using (bpf.Programs["ParentOfBtf"].AsTracing().Attach())
        using (bpf.Programs["Questions"].AsRawTracepoint().Attach())
            _ = File.Exists("/proc/self/stat"); // a system call of this process, traced by all three
        // Probe reads (raw_tracepoint) and relocated direct loads (tp_btf) read the same.
        foreach (var map in new[] { "Parents", "BtfParents" })
        {
            Assert.True(bpf.Maps[map].AsHashMap<uint, ulong>().TryGetValue((uint)Environment.ProcessId, out var both), $"{map}: the program saw no system call of this process");
            Assert.Equal((uint)Environment.ProcessId, (uint)both);
            Assert.Equal(ParentProcessId(), (int)(both >> 32));
        }
        using var kernel = Btf.LoadKernel();
        var task = kernel.FindAll("task_struct").OfType<BtfStruct>().Single();
        var answers = bpf.Maps["Answers"].AsArray<long>();
        Assert.Equal(4, answers[0]);                                                                    // FieldSize(tgid)
        Assert.Equal(task.Members.Single(m => m.Name == "tgid").BitOffset / 8, answers[1]);             // FieldOffset
        Assert.Equal(task.Size, answers[2]);                                                            // TypeSize
        Assert.Equal([1, 1, 1, 1], new[] { answers[3], answers[5], answers[6], answers[7] });           // exists, signed
        Assert.Equal(task.Id, answers[10]);                                                             // TypeIdTarget: vmlinux's id
    }

    [KernelFact]
    public void AFieldMissingInTheKernelIsALoadErrorWithTheFieldAndTheLine()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, TaskReadsObject.MovedLayout(withParent: false));
            var options = new BpfLoadOptions { Programs = ["ParentOf"], CoreTargetBtfPath = path };
            var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(TaskReadsObject.Object, options));
            Assert.Contains("real_parent", e.Message, StringComparison.Ordinal);
            Assert.Contains($"TaskReads.cs:{TaskReadsObject.LineOf("task->real_parent->tgid << 32")}", e.Message, StringComparison.Ordinal);
            // Guarded by Core.FieldExists, the same read loads: the verifier drops the branch that would reach it.
            using var guarded = BpfObject.Load(TaskReadsObject.Object, new BpfLoadOptions { Programs = ["ParentIfKnown"], CoreTargetBtfPath = path });
            Assert.NotNull(guarded.Programs["ParentIfKnown"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [KernelFact]
    public void TheProgramRunsAsDotNetOverMappedKernelMemory()
    {
        // task_struct images as the kernel would hold them: the parent's tgid, the child's tgid and real_parent pointer.
        var task = TaskReadsObject.Programs.Assembly.GetType("Kernel.Generated.task_struct", throwOnError: true)!;
        var members = Ebpf.Kernel.KernelTypes.MembersOf(task);
        int Offset(string name) => members.Single(m => m.Name == name).BitOffset / 8;
        var kernel = new Ebpf.Kernel.ManagedKernel { Pid = 777, Tgid = 777 };
        using var scope = Ebpf.Kernel.ManagedKernel.Use(kernel);
        var parent = new byte[Layout.SizeOf(task)];
        BitConverter.TryWriteBytes(parent.AsSpan(Offset("tgid")), 4242);
        var child = new byte[parent.Length];
        BitConverter.TryWriteBytes(child.AsSpan(Offset("tgid")), 777);
        BitConverter.TryWriteBytes(child.AsSpan(Offset("real_parent")), kernel.Memory.Map(parent));
        kernel.CurrentTask = kernel.Memory.Map(child);
        Assert.Equal(0, TaskReadsObject.Program("ParentOf").Invoke(null, [0UL, 0L]));
        var parents = (Ebpf.Kernel.HashMap<uint, ulong>)TaskReadsObject.Programs.GetField("Parents")!.GetValue(null)!;
        Assert.True(parents.TryGetValue(777, out var both));
        Assert.Equal((4242UL << 32) | 777, both);
    }

    /// <summary>(relocation as "Kind type.member", the value the relocated instruction holds) for each record of a program.</summary>
    private static IEnumerable<(string Relocation, long Value)> Relocated(BpfObjectFile obj, Btf target, string program)
    {
        var linked = CoReRelocator.Apply(obj, ProgramLinker.Link(obj.FindProgram(program)!), target);
        var slots = SlotMap.For(linked.Instructions);
        foreach (var r in linked.CoreRelocations)
            yield return ($"{r.Kind} {Describe(obj.Btf!, r.TypeId, r.AccessString, r.Kind)}", TaskReadsObject.ValueOf(linked.Instructions[slots.IndexOfSlot(r.InstructionOffset)]));
    }

    /// <summary>"task_struct.real_parent" for a field path, "pid_type::PIDTYPE_SID" for an enumerator, the name for a type.</summary>
    private static string Describe(Btf btf, int typeId, string access, BtfCoreRelocationKind kind)
    {
        var type = btf[typeId];
        if (kind is BtfCoreRelocationKind.EnumValue or BtfCoreRelocationKind.EnumValueExists)
            return $"{type.Name}::{((BtfEnumBase)type).Values[int.Parse(access)].Name}";
        var steps = access.Split(':').Skip(1).Select(int.Parse).ToList();
        if (steps.Count == 0) return type.Name;
        var names = new List<string>();
        var current = type;
        foreach (var index in steps)
        {
            var member = ((BtfComposite)btf.Skip(current.Id)).Members[index];
            names.Add(member.Name);
            current = btf.Skip(member.Type);
        }
        return $"{type.Name}.{string.Join('.', names)}";
    }

    private static int ParentProcessId()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }
}
