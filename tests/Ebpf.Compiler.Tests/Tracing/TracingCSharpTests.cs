using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Programs.Tests.Uprobes;
using Ebpf.Tests;
using OpenSnoop;

namespace Ebpf.Compiler.Tests.Tracing;

/// <summary>Tracing programs written in C#: run as .NET, refused at build time, and loaded, attached and checked in this kernel.</summary>
public sealed unsafe class TracingCSharpTests : IClassFixture<TargetBinaries>
{
    private readonly TargetBinaries _binaries;

    public TracingCSharpTests(TargetBinaries binaries) => _binaries = binaries;

    [Fact]
    public void The_generated_records_match_the_kernels_format_files()
    {
        if (!File.Exists("/sys/kernel/tracing/events/syscalls/sys_enter_openat/format"))
            Assert.Skip("tracefs is not mounted here");
        foreach (var (type, path) in new[] { (typeof(SysEnterOpenat), "syscalls/sys_enter_openat"), (typeof(SysExitOpenat), "syscalls/sys_exit_openat") })
        {
            var format = File.ReadAllText($"/sys/kernel/tracing/events/{path}/format");
            var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);
            Assert.NotEmpty(fields);
            foreach (var field in fields)
            {
                var match = Regex.Match(format, $@"field:[^;]*\b{field.Name};\s*offset:(\d+);\s*size:(\d+);");
                Assert.True(match.Success, $"{type.Name}.{field.Name} is not in {path}'s format");
                Assert.Equal(int.Parse(match.Groups[1].Value), (int)Marshal.OffsetOf(type, field.Name));
                Assert.Equal(int.Parse(match.Groups[2].Value), Marshal.SizeOf(field.FieldType));
            }
            Assert.Equal(type.GetCustomAttribute<TracepointRecordAttribute>()!.Name, path.Split('/')[1]);
        }
        Assert.NotNull(typeof(SysEnterOpenat).GetField(nameof(SysEnterOpenat.filename))!.GetCustomAttribute<UserMemoryAttribute>());
    }

    [Fact]
    public void OpenSnoop_runs_as_dotnet_with_managed_memory()
    {
        var kernel = new ManagedKernel { Pid = 4321, Tgid = 4300, Uid = 1000, Comm = "cat" };
        using var _ = ManagedKernel.Use(kernel);
        OpenSnoopProgram.Pending.Clear();
        OpenSnoopProgram.Events.Clear();
        var enter = TracepointRecord<SysEnterOpenat>.ForTest(new SysEnterOpenat { filename = kernel.Memory.MapString("/etc/hosts"), flags = 0x80000 });
        Assert.Equal(0, OpenSnoopProgram.Enter(enter.Pointer));
        var exit = TracepointRecord<SysExitOpenat>.ForTest(new SysExitOpenat { ret = 3 });
        Assert.Equal(0, OpenSnoopProgram.Exit(exit.Pointer));
        Assert.True(OpenSnoopProgram.Events.TryRead(out OpenEvent e));
        Assert.Equal((4300u, 1000u, 3, 0x80000, "cat", "/etc/hosts"), (e.Pid, e.Uid, e.Result, e.Flags, e.CommText, e.PathText));
        // The exit of a thread whose entry was not seen sends nothing; a path in kernel memory is not user memory.
        Assert.Equal(0, OpenSnoopProgram.Exit(exit.Pointer));
        Assert.False(OpenSnoopProgram.Events.TryRead(out OpenEvent _));
        Span<byte> buffer = stackalloc byte[16];
        Assert.Equal(-Errno.EFAULT, Bpf.ProbeReadUserString(buffer, kernel.Memory.MapString("x", MemorySpace.Kernel)));
    }

    [Fact]
    public void A_data_loc_string_is_read_from_after_the_record()
    {
        using var _ = ManagedKernel.Use(new ManagedKernel());
        var record = TracepointRecord<TestExecRecord>.ForTest();
        record.Fields.__data_loc_filename = record.AddString("/usr/bin/true");
        Span<byte> name = stackalloc byte[8];
        Assert.Equal(8, record.Pointer->ReadFilename(name));
        Assert.Equal("/usr/bi\0"u8.ToArray(), name.ToArray());
    }

    [Fact]
    public void Iterator_and_probe_programs_run_as_dotnet()
    {
        var kernel = new ManagedKernel { Tgid = 77 };
        using var _ = ManagedKernel.Use(kernel);
        var seq = kernel.OpenSeqFile();
        TracingKindPrograms.Tasks(TaskIterContext.ForTest(task: 0xffff_8880_0000_1000, seqNum: 0, seq: seq));
        TracingKindPrograms.Tasks(TaskIterContext.ForTest(task: 0, seqNum: 1, seq: seq));
        Assert.Equal("task 0 pid 77\nend 1\n", kernel.SeqText(seq));
        TracingKindPrograms.Probes.Clear();
        TracingKindPrograms.OnAdd(PtRegsContext.ForTest(arg1: 2, arg2: unchecked((ulong)-5)));
        TracingKindPrograms.OnAddReturn(PtRegsContext.ForTest(returnValue: unchecked((ulong)-3)));
        Assert.Equal([1L, -3L, -3L], TracingKindPrograms.Probes.ToArray());
    }

    [Theory]
    [InlineData(typeof(UserPointerAsKernel), "EBPF078", 16)]
    [InlineData(typeof(SleepingHelperInNonSleepable), "EBPF077", 27)]
    [InlineData(typeof(WrongTracepointRecord), "EBPF041", 0)]
    [InlineData(typeof(LsmReturningLong), "EBPF041", 0)]
    public void Tracing_mistakes_are_build_errors(Type programs, string code, int line)
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs));
        Assert.Equal(code, e.Code);
        Assert.NotNull(e.Location);
        if (line > 0) Assert.Equal(line, e.Location!.Line);
    }

    [Fact]
    public void Trampoline_and_LSM_programs_compile_with_typed_arguments()
    {
        var elf = ProgramCompiler.Compile(typeof(TrampolinePrograms));
        var spec = Ebpf.Object.BpfObjectFile.Read(elf);
        Assert.Equal(["fentry/do_unlinkat", "fexit/do_unlinkat", "fmod_ret/security_file_open", "lsm.s/file_open", "lsm/file_open"],
            spec.Programs.Select(p => p.SectionName).Order(StringComparer.Ordinal).ToArray());
    }

    [KernelFact]
    public void OpenSnoop_in_CSharp_reports_what_its_C_twin_reports()
    {
        using var csharp = BpfObject.Load(ProgramCompiler.Compile(typeof(OpenSnoopProgram)));
        using var c = BpfObject.Load(Fixtures.Path("opensnoop"));
        var prefix = $"/tmp/ebpf-opensnoop-{Guid.NewGuid():N}-";
        var seen = new Dictionary<string, List<OpenEvent>> { ["C#"] = [], ["C"] = [] };
        using (csharp.Programs["Enter"].AsTracepoint().Attach("syscalls/sys_enter_openat"))
        using (csharp.Programs["Exit"].AsTracepoint().Attach("syscalls/sys_exit_openat"))
        using (c.Programs["Enter"].AsTracepoint().Attach("syscalls/sys_enter_openat"))
        using (c.Programs["Exit"].AsTracepoint().Attach("syscalls/sys_exit_openat"))
        using (var csharpEvents = csharp.Maps["Events"].AsRingBuffer())
        using (var cEvents = c.Maps["Events"].AsRingBuffer())
        {
            for (var i = 0; i < 20; i++)
            {
                if (i % 2 == 0) File.WriteAllText(prefix + i, "x"); // odd ones do not exist: openat fails with ENOENT
                try { File.ReadAllText(prefix + i); } catch (FileNotFoundException) { }
                Drain(csharpEvents, seen["C#"], prefix);
                Drain(cEvents, seen["C"], prefix);
            }
            Thread.Sleep(100);
            Drain(csharpEvents, seen["C#"], prefix);
            Drain(cEvents, seen["C"], prefix);
        }
        foreach (var f in Directory.GetFiles("/tmp", Path.GetFileName(prefix) + "*")) File.Delete(f);

        var mine = seen["C#"].Select(Describe).ToList();
        Assert.Equal(seen["C"].Select(Describe).ToList(), mine);
        // Each read opens its file once; writes of the even ones open them too (O_CREAT).
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 2 == 1).Select(i => $"{prefix}{i} -2"),
            seen["C#"].Where(e => e.Result < 0).Select(e => $"{e.PathText} {e.Result}"));
        Assert.All(seen["C#"], e => Assert.Equal((uint)Environment.ProcessId, e.Pid));
        Assert.Equal(30, mine.Count);
    }

    private static string Describe(OpenEvent e) => $"{e.Pid} {e.Uid} {e.CommText} {e.Flags:x} {e.PathText} {(e.Result >= 0 ? "fd" : e.Result)}";

    private static void Drain(RingBufferReader reader, List<OpenEvent> into, string prefix)
    {
        while (reader.TryRead(out var record))
        {
            var e = MemoryMarshal.Read<OpenEvent>(record);
            if (e.PathText.StartsWith(prefix, StringComparison.Ordinal)) into.Add(e);
        }
    }

    [KernelFact]
    public void Raw_tracepoint_and_tp_btf_programs_see_each_exec_with_its_arguments()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TracingKindPrograms)));
        var name = $"tp{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}";
        var link = Path.Combine(Path.GetTempPath(), name);
        File.CreateSymbolicLink(link, "/bin/true");
        var pids = new List<int>();
        try
        {
            using (bpf.Programs["RawExec"].AsRawTracepoint().Attach("sched_process_exec"))
            using (bpf.Programs["BtfExec"].AsTracing().Attach())
            {
                for (var i = 0; i < 5; i++)
                {
                    using var p = Process.Start(link)!;
                    pids.Add(p.Id);
                    p.WaitForExit();
                }
            }
        }
        finally { File.Delete(link); }
        var key = default(CommKey);
        System.Text.Encoding.ASCII.GetBytes(name).CopyTo(new Span<byte>(key.Bytes, 16));
        Assert.Equal(5UL, bpf.Maps["RawExecs"].AsHashMap<CommKey, ulong>()[key]);
        Assert.Equal(5UL, bpf.Maps["BtfExecs"].AsHashMap<CommKey, ulong>()[key]);
        Assert.Equal(pids[^1], bpf.Maps["LastOldPid"].AsHashMap<CommKey, long>()[key]);
    }

    [KernelFact]
    public void A_CSharp_uprobe_and_uretprobe_see_the_arguments_and_results_of_add()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TracingKindPrograms)));
        const int n = 50;
        using (bpf.Programs["OnAdd"].AsUprobe().Attach(_binaries.Path("target"), "add"))
        using (bpf.Programs["OnAddReturn"].AsUprobe().Attach(_binaries.Path("target"), "add", retprobe: true))
            _binaries.Run("target", n);
        var probes = bpf.Maps["Probes"].AsArray<long>();
        var sum = Enumerable.Range(0, n).Sum(i => (long)i + 3);
        Assert.Equal((n, sum, sum), (probes[0], probes[1], probes[2]));
    }

    [KernelFact]
    public void A_CSharp_task_iterator_writes_with_seq_printf()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TracingKindPrograms)));
        using var sleeper = Process.Start("sleep", "30");
        try
        {
            using var link = bpf.Programs["Tasks"].AsIterator().Attach(IteratorTarget.Process(sleeper.Id));
            Assert.Equal($"task 0 pid {sleeper.Id}\nend 1\n", link.ReadToEnd());
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }
}

/// <summary>A record with a __data_loc string, as 'ebpf generate tracepoint sched/sched_process_exec' writes it.</summary>
[TracepointRecord("sched", "sched_process_exec")]
[StructLayout(LayoutKind.Explicit, Size = 20)]
public unsafe struct TestExecRecord
{
    [FieldOffset(0)] public ushort common_type;
    [FieldOffset(8)] public uint __data_loc_filename;
    [FieldOffset(12)] public int pid;

    public int ReadFilename(Span<byte> buffer) => Bpf.ProbeReadKernelString(buffer, (ulong)System.Runtime.CompilerServices.Unsafe.AsPointer(ref this) + (__data_loc_filename & 0xffff));
}
