using System.Reflection;
using System.Runtime.InteropServices;
using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Generation;
using Ebpf.Compiler.Lowering;
using Ebpf.CoRe;
using Ebpf.Linking;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>
/// Arrays of kernel structs indexed from C# (Programs/ArrayReads.cs: <c>Unsafe.Add(ref task-&gt;signal-&gt;rlim, i)</c>):
/// the access strings the compiler writes, the same object relocated against this kernel and against a layout where the
/// array moved and its element grew, a run in the kernel against getrlimit, a managed run, and the build errors.
/// </summary>
public sealed class CoreArrayTests
{
    private const int RlimitNofile = 7;
    private const int RlimitStack = 3;

    private static readonly string[] Mistakes = ["IndexPastTheEnd", "UnboundedIndex", "MaskPastTheEnd", "PointerIndexing"];

    /// <summary>The assembly, the object of ArrayReads, and what compiling each class of mistakes threw (the assembly's files exist only while building).</summary>
    private static readonly Lazy<(Assembly Assembly, byte[] Object, Dictionary<string, Exception> Errors)> Built = new(() =>
    {
        using var kernel = Btf.LoadKernel();
        var directory = Path.Combine(Path.GetTempPath(), $"ebpf-core-array-tests-{Environment.ProcessId}");
        try
        {
            var typesPath = Path.Combine(directory, "KernelTypes.g.cs");
            Directory.CreateDirectory(directory);
            File.WriteAllText(typesPath, new BtfCSharpGenerator(kernel, "Kernel.Generated").Generate(["task_struct", "signal_struct"], Btf.KernelPath));
            var assembly = GeneratedCode.Compile([(typesPath, File.ReadAllText(typesPath)), (SourcePath, File.ReadAllText(SourcePath))], "CoreArrayReads", directory);
            var errors = Mistakes.ToDictionary(m => m, m => Record.Exception(() => ProgramCompiler.Compile(assembly.GetType($"CoreTests.{m}", throwOnError: true)!)));
            return (assembly, ProgramCompiler.Compile(assembly.GetType("CoreTests.ArrayReads", throwOnError: true)!), errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    private static string SourcePath => Path.Combine(AppContext.BaseDirectory, "Core", "Programs", "ArrayReads.cs");

    private static Type Programs => Built.Value.Assembly.GetType("CoreTests.ArrayReads", throwOnError: true)!;

    [KernelFact]
    public void ConstantIndexesAreAccessStringStepsAndVariableOnesRelocateTheElementSize()
    {
        var obj = BpfObjectFile.Read(Built.Value.Object);
        foreach (var program in new[] { "Limit", "LimitBtf" })
        {
            var described = obj.FindProgram(program)!.CoreRelocations.Select(r => $"{r.Kind} {Describe(obj.Btf!, r.TypeId, r.AccessString)}").ToList();
            Assert.Contains("FieldByteOffset signal_struct.rlim[7].rlim_cur", described);
            Assert.Contains("FieldByteOffset signal_struct.rlim[7].rlim_max", described);
            Assert.Contains("FieldByteSize signal_struct.rlim[0]", described);              // the kernel's element size
            Assert.Contains("FieldByteOffset signal_struct.rlim[0].rlim_cur", described);   // then through element 0
            Assert.Contains("FieldByteOffset signal_struct.rlim[0].rlim_max", described);   // rlim.rlim_max: element 0 named without an index
            Assert.Contains("FieldByteOffset signal_struct.rlim[7]", described);            // the element copied whole
        }
        // The raw access string is clang's for sig->rlim[7].rlim_cur: root, member, index, member.
        var rlim = ((BtfComposite)obj.Btf!.FindAll("signal_struct").Single(t => t is BtfStruct)).Members.ToList().FindIndex(m => m.Name == "rlim");
        Assert.Contains(obj.FindProgram("Limit")!.CoreRelocations, r => r.AccessString == $"0:{rlim}:7:0");
    }

    [KernelFact]
    public void TheSameObjectRelocatesToAnArrayThatMovedAndAnElementThatGrew()
    {
        var obj = BpfObjectFile.Read(Built.Value.Object);
        using var kernel = Btf.LoadKernel();
        using var moved = Btf.Parse(MovedLayout());
        var signal = kernel.FindAll("signal_struct").OfType<BtfStruct>().Single();
        var rlimit = kernel.FindAll("rlimit").OfType<BtfStruct>().Single();
        var rlim = signal.Members.Single(m => m.Name == "rlim").BitOffset / 8;
        var size = (long)rlimit.Size;
        var max = rlimit.Members.Single(m => m.Name == "rlim_max").BitOffset / 8;
        // (array offset, element size, rlim_cur within the element, rlim_max within it) in each layout
        foreach (var (target, at, element, cur, maxAt) in new[] { (kernel, (long)rlim, size, 0L, (long)max), (moved, 3000L, 24L, 8L, 16L) })
            foreach (var program in new[] { "Limit", "LimitBtf" })
            {
                var values = Relocated(obj, target, program).ToList();
                Assert.Contains(("FieldByteOffset signal_struct.rlim[7].rlim_cur", at + 7 * element + cur), values);
                Assert.Contains(("FieldByteOffset signal_struct.rlim[7].rlim_max", at + 7 * element + maxAt), values);
                Assert.Contains(("FieldByteSize signal_struct.rlim[0]", element), values);
                Assert.Contains(("FieldByteOffset signal_struct.rlim[0].rlim_cur", at + cur), values);
                Assert.Contains(("FieldByteOffset signal_struct.rlim[0].rlim_max", at + maxAt), values);
                // Nothing still holds the compiled layout's element 7 where the layouts differ.
                Assert.DoesNotContain(values, v => v.Relocation == "FieldByteOffset signal_struct.rlim[7].rlim_cur" && v.Value != at + 7 * element + cur);
            }
        Assert.NotEqual(3000u, rlim);
        Assert.NotEqual(24L, size);
    }

    [KernelFact]
    public void IndexPastTheKernelsArrayIsALoadError()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, MovedLayout(count: 4)); // rlim[7] does not exist in a 4-element array
            var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(Built.Value.Object, new BpfLoadOptions { Programs = ["Limit"], CoreTargetBtfPath = path }));
            Assert.Contains("rlim", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [KernelFact]
    public void ReadsThisProcesssLimitsInTheKernel()
    {
        Assert.Equal(0, GetRLimit(RlimitNofile, out var saved));
        // A distinctive soft limit on open files, under the hard one and above what a test process holds open.
        var distinctive = Math.Min(saved.Max, 65536UL) - 3;
        Assert.Equal(0, SetRLimit(RlimitNofile, new RLimit { Current = distinctive, Max = saved.Max }));
        try
        {
            using var bpf = BpfObject.Load(Built.Value.Object, new BpfLoadOptions { Programs = ["Limit", "LimitBtf"] });
            bpf.Maps["Which"].AsArray<uint>()[0] = RlimitStack;
            var limits = bpf.Maps["Limits"].AsHashMap<ulong, ulong>();
            var pid = (ulong)Environment.ProcessId << 8;
            using (bpf.Programs["Limit"].AsRawTracepoint().Attach())
            using (bpf.Programs["LimitBtf"].AsTracing().Attach())
            {
                // A system call of this process, traced by both (bounded: until both wrote what they read).
                for (var i = 0; i < 1000 && !(limits.TryGetValue(pid | 2, out _) && limits.TryGetValue(pid | 10, out _)); i++)
                    _ = File.Exists("/proc/self/stat");
            }
            Assert.Equal(0, GetRLimit(RlimitStack, out var stack));
            Assert.Equal(0, GetRLimit(0, out var cpu));
            foreach (var slot in new ulong[] { 0, 8 })
            {
                Assert.True(limits.TryGetValue(pid | slot, out var current), $"slot {slot}: the program saw no system call of this process");
                Assert.Equal(distinctive, current);
                Assert.Equal(saved.Max, limits[pid | (slot + 1)]);
                Assert.Equal(stack.Current, limits[pid | (slot + 2)]);   // the variable index, 3
                Assert.Equal(distinctive, limits[pid | (slot + 3)]);     // the element copied whole
                Assert.Equal(cpu.Max, limits[pid | (slot + 4)]);         // element 0, named without an index
                Assert.Equal(stack.Max, limits[pid | (slot + 5)]);       // the variable index clamped by Math.Min
            }
        }
        finally
        {
            Assert.Equal(0, SetRLimit(RlimitNofile, saved));
        }
    }

    [KernelFact]
    public void TheProgramsRunAsDotNetOverMappedKernelMemory()
    {
        var assembly = Built.Value.Assembly;
        var taskType = assembly.GetType("Kernel.Generated.task_struct", throwOnError: true)!;
        var signalType = assembly.GetType("Kernel.Generated.signal_struct", throwOnError: true)!;
        var rlimitType = assembly.GetType("Kernel.Generated.rlimit", throwOnError: true)!;
        int Offset(Type t, string name) => Ebpf.Kernel.KernelTypes.MembersOf(t).Single(m => m.Name == name).BitOffset / 8;
        var element = Layout.SizeOf(rlimitType);
        var signal = new byte[Layout.SizeOf(signalType)];
        for (var i = 0; i < 16; i++)
        {
            var at = Offset(signalType, "rlim") + i * element;
            BitConverter.TryWriteBytes(signal.AsSpan(at + Offset(rlimitType, "rlim_cur")), 1000UL + (ulong)i);
            BitConverter.TryWriteBytes(signal.AsSpan(at + Offset(rlimitType, "rlim_max")), 2000UL + (ulong)i);
        }
        var kernel = new Ebpf.Kernel.ManagedKernel { Pid = 4242, Tgid = 4242 };
        using var scope = Ebpf.Kernel.ManagedKernel.Use(kernel);
        var task = new byte[Layout.SizeOf(taskType)];
        BitConverter.TryWriteBytes(task.AsSpan(Offset(taskType, "signal")), kernel.Memory.Map(signal));
        kernel.CurrentTask = kernel.Memory.Map(task);
        ((Ebpf.Kernel.ArrayMap<uint>)Programs.GetField("Which")!.GetValue(null)!).Update(0, RlimitStack);
        var limits = (Ebpf.Kernel.HashMap<ulong, ulong>)Programs.GetField("Limits")!.GetValue(null)!;
        foreach (var (program, slot) in new[] { ("Limit", 0UL), ("LimitBtf", 8UL) })
        {
            Assert.Equal(0, Programs.GetMethod(program)!.Invoke(null, [0UL, 0L]));
            var key = 4242UL << 8 | slot;
            Assert.Equal(1007UL, limits.Lookup(key));
            Assert.Equal(2007UL, limits.Lookup(key + 1));
            Assert.Equal(1003UL, limits.Lookup(key + 2));    // the variable index, 3
            Assert.Equal(1007UL, limits.Lookup(key + 3));
            Assert.Equal(2000UL, limits.Lookup(key + 4));
            Assert.Equal(2003UL, limits.Lookup(key + 5));
        }
    }

    [KernelTheory]
    [InlineData("IndexPastTheEnd", "EBPF092", "Unsafe.Add(ref task->signal->rlim, 16)")]
    [InlineData("UnboundedIndex", "EBPF093", "Unsafe.Add(ref task->signal->rlim, (int)id)")]
    [InlineData("MaskPastTheEnd", "EBPF093", "(int)id & 31")]
    [InlineData("PointerIndexing", "EBPF092", "(&task->signal->rlim)[7]")]
    public void IndexesOutsideTheArrayAreBuildErrorsWithTheLine(string programs, string code, string text)
    {
        var e = Assert.IsType<CompilerException>(Built.Value.Errors[programs]);
        Assert.Equal(code, e.Code);
        Assert.NotNull(e.Location);
        Assert.EndsWith("ArrayReads.cs", e.Location!.Value.File, StringComparison.Ordinal);
        Assert.Equal(Array.FindIndex(File.ReadAllLines(SourcePath), l => l.Contains(text, StringComparison.Ordinal)) + 1, e.Location.Value.Line);
        Assert.Contains("signal_struct.rlim", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// task_struct, signal_struct and rlimit where signal_struct.rlim moved to 3000 and rlimit grew to 24 bytes, its
    /// rlim_cur at 8 and rlim_max at 16; rlim has <paramref name="count"/> elements.
    /// </summary>
    private static byte[] MovedLayout(uint count = 16)
    {
        var b = new BtfBuilder();
        var @int = b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        var @ulong = b.Add(new BtfInt { Name = "long unsigned int", Size = 8, Bits = 64 });
        var rlimit = b.Add(new BtfStruct { Name = "rlimit", Size = 24, Members = [new("reserved", @ulong, 0), new("rlim_cur", @ulong, 64), new("rlim_max", @ulong, 128)] });
        var array = b.Add(new BtfArray { ElementType = rlimit, IndexType = @int, Count = count });
        var signal = b.Add(new BtfStruct { Name = "signal_struct", Size = 4096, Members = [new("nr_threads", @int, 0), new("rlim", array, 3000 * 8)] });
        var pointer = b.Add(new BtfPointer { Type = signal });
        b.Add(new BtfStruct { Name = "task_struct", Size = 8192, Members = [new("pid", @int, 3996 * 8), new("tgid", @int, 4000 * 8), new("signal", pointer, 5000 * 8)] });
        return b.ToBytes();
    }

    /// <summary>(relocation as "Kind type.member[index].member", the value the relocated instruction holds) for each record.</summary>
    private static IEnumerable<(string Relocation, long Value)> Relocated(BpfObjectFile obj, Btf target, string program)
    {
        var linked = CoReRelocator.Apply(obj, ProgramLinker.Link(obj.FindProgram(program)!), target);
        var slots = SlotMap.For(linked.Instructions);
        foreach (var r in linked.CoreRelocations)
            yield return ($"{r.Kind} {Describe(obj.Btf!, r.TypeId, r.AccessString)}", TaskReadsObject.ValueOf(linked.Instructions[slots.IndexOfSlot(r.InstructionOffset)]));
    }

    /// <summary>An access string in C: members by name, array indexes in brackets ("signal_struct.rlim[7].rlim_cur").</summary>
    private static string Describe(Btf btf, int typeId, string access)
    {
        var type = btf[typeId];
        var text = new System.Text.StringBuilder(type.Name);
        var current = btf.Skip(type.Id);
        foreach (var index in access.Split(':').Skip(1).Select(int.Parse))
        {
            if (current is BtfArray array)
            {
                text.Append('[').Append(index).Append(']');
                current = btf.Skip(array.ElementType);
                continue;
            }
            var member = ((BtfComposite)current).Members[index];
            text.Append('.').Append(member.Name);
            current = btf.Skip(member.Type);
        }
        return text.ToString();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, in RLimit limit);
}
