using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;
using OpenSnoop;

namespace Ebpf.Compiler.Tests.Tracing;

/// <summary>Tracing programs written in C#: run as .NET, refused at build time, and loaded, attached and checked in this kernel.</summary>
public sealed unsafe class TracingCSharpTests : IClassFixture<TargetBinaries>
{
    private readonly TargetBinaries _binaries;

    public TracingCSharpTests(TargetBinaries binaries) => _binaries = binaries;

    [KernelFact]
    public void The_generated_records_match_the_kernels_format_files()
    {
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
        var kernel = new ManagedKernel();
        using var _ = ManagedKernel.Use(kernel);
        var seq = kernel.OpenSeqFile();
        var task = new ExecSnoop.task_struct { tgid = 77 };
        var taskAddress = kernel.Memory.Map(MemoryMarshal.AsBytes(new ReadOnlySpan<ExecSnoop.task_struct>(in task)));
        TracingKindPrograms.Tasks(TaskIterContext.ForTest(task: taskAddress, seqNum: 0, seq: seq));
        TracingKindPrograms.Tasks(TaskIterContext.ForTest(task: 0, seqNum: 1, seq: seq));
        Assert.Equal("task 0 pid 77\nend 1\n", kernel.SeqText(seq));
        TracingKindPrograms.Probes.Clear();
        TracingKindPrograms.OnAdd(PtRegsContext.ForTest(arg1: 2, arg2: unchecked((ulong)-5)));
        TracingKindPrograms.OnAddReturn(PtRegsContext.ForTest(returnValue: unchecked((ulong)-3)));
        Assert.Equal([1L, -3L, -3L], TracingKindPrograms.Probes.ToArray());
    }

    [Theory]
    [InlineData(typeof(UserPointerAsKernel), "EBPF078", 15)]
    [InlineData(typeof(SleepingHelperInNonSleepable), "EBPF077", 26)]
    [InlineData(typeof(WrongTracepointRecord), "EBPF041", 0)]
    [InlineData(typeof(LsmReturningLong), "EBPF041", 0)]
    [InlineData(typeof(LsmReturningOne), "EBPF080", 48)]
    public void Tracing_mistakes_are_build_errors(Type programs, string code, int line)
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs));
        Assert.Equal(code, e.Code);
        Assert.NotNull(e.Location);
        if (line > 0) Assert.Equal(line, e.Location!.Value.Line);
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
    public void ExecSnoop_in_CSharp_reports_what_its_C_twin_reports()
    {
        using var csharp = BpfObject.Load(ProgramCompiler.Compile(typeof(ExecSnoop.ExecSnoopProgram)));
        using var c = BpfObject.Load(Fixtures.Path("execsnoop"));
        var name = $"es{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}";
        var link = Path.Combine(Path.GetTempPath(), name);
        File.CreateSymbolicLink(link, "/bin/true");
        var seen = new Dictionary<string, List<ExecSnoop.ExecEvent>> { ["C#"] = [], ["C"] = [] };
        var pids = new List<int>();
        try
        {
            using (csharp.Programs["OnExec"].AsTracepoint().Attach("sched/sched_process_exec"))
            using (c.Programs["OnExec"].AsTracepoint().Attach("sched/sched_process_exec"))
            using (var csharpEvents = csharp.Maps["Events"].AsRingBuffer())
            using (var cEvents = c.Maps["Events"].AsRingBuffer())
            {
                for (var i = 0; i < 10; i++)
                {
                    using (var p = Process.Start(link)!)
                    {
                        pids.Add(p.Id);
                        p.WaitForExit();
                    }
                    DrainExecs(csharpEvents, seen["C#"], name);
                    DrainExecs(cEvents, seen["C"], name);
                }
            }
        }
        finally { File.Delete(link); }
        string Describe(ExecSnoop.ExecEvent e) => $"{e.Pid} {e.ParentPid} {e.Uid} {e.CommText} {e.FileNameText}";
        Assert.Equal(seen["C"].Select(Describe), seen["C#"].Select(Describe));
        // Each exec once, with its pid, this process as the parent, and the file run.
        Assert.Equal(pids.Select(p => $"{p} {Environment.ProcessId} 0 {name} {link}"), seen["C#"].Select(Describe));
    }

    private static void DrainExecs(RingBufferReader reader, List<ExecSnoop.ExecEvent> into, string comm)
    {
        while (reader.TryRead(out var record))
        {
            var e = MemoryMarshal.Read<ExecSnoop.ExecEvent>(record);
            if (e.CommText == comm) into.Add(e);
        }
    }

    [KernelFact]
    public void TcpConnect_in_CSharp_reports_what_its_C_twin_reports()
    {
        using var csharp = BpfObject.Load(ProgramCompiler.Compile(typeof(TcpConnect.TcpConnectProgram)));
        using var c = BpfObject.Load(Fixtures.Path("tcpconnect"));
        var seen = new Dictionary<string, List<TcpConnect.ConnectEvent>> { ["C#"] = [], ["C"] = [] };
        using var v4 = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        using var v6 = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Loopback, 0);
        v4.Start();
        v6.Start();
        var ports = new[] { ((System.Net.IPEndPoint)v4.LocalEndpoint).Port, ((System.Net.IPEndPoint)v6.LocalEndpoint).Port };
        var expected = new List<string>();
        using (csharp.Programs["OnStateChange"].AsTracepoint().Attach("sock/inet_sock_set_state"))
        using (c.Programs["OnStateChange"].AsTracepoint().Attach("sock/inet_sock_set_state"))
        using (var csharpEvents = csharp.Maps["Events"].AsRingBuffer())
        using (var cEvents = c.Maps["Events"].AsRingBuffer())
        {
            for (var i = 0; i < 8; i++)
            {
                var listener = i % 2 == 0 ? v4 : v6;
                using var client = new System.Net.Sockets.TcpClient(listener.LocalEndpoint.AddressFamily);
                client.Connect((System.Net.IPEndPoint)listener.LocalEndpoint);
                var local = (System.Net.IPEndPoint)client.Client.LocalEndPoint!;
                // At CLOSE -> SYN_SENT connect() has not chosen the source port yet: the tracepoint says 0.
                expected.Add($"{Environment.ProcessId} {local.Address} 0 {((System.Net.IPEndPoint)listener.LocalEndpoint).Address} {((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
                listener.AcceptTcpClient().Dispose();
                DrainConnects(csharpEvents, seen["C#"], ports);
                DrainConnects(cEvents, seen["C"], ports);
            }
        }
        string Describe(TcpConnect.ConnectEvent e) => $"{e.Pid} {e.SourceAddress} {e.SourcePort} {e.DestinationAddress} {e.DestinationPort}";
        Assert.Equal(seen["C"].Select(Describe).Zip(seen["C"].Select(e => e.CommText)), seen["C#"].Select(Describe).Zip(seen["C#"].Select(e => e.CommText)));
        Assert.Equal(expected, seen["C#"].Select(Describe));
    }

    private static void DrainConnects(RingBufferReader reader, List<TcpConnect.ConnectEvent> into, int[] ports)
    {
        while (reader.TryRead(out var record))
        {
            var e = MemoryMarshal.Read<TcpConnect.ConnectEvent>(record);
            if (e.Pid == Environment.ProcessId && ports.Contains(e.DestinationPort)) into.Add(e);
        }
    }

    [Fact]
    public void RunQLat_buckets_waits_by_log2_as_dotnet()
    {
        foreach (var v in new ulong[] { 1, 2, 3, 4, 7, 8, 1000, 65535, 65536, 1UL << 31, (1UL << 31) + 5 })
            Assert.Equal((uint)System.Numerics.BitOperations.Log2(v), RunQLat.RunQLatProgram.Log2(v));
        Assert.Equal(0u, RunQLat.RunQLatProgram.Log2(0));
        Assert.Equal(31u, RunQLat.RunQLatProgram.Log2(1UL << 40)); // the last slot holds the rest

        var kernel = new ManagedKernel { TimeNs = 1_000_000 };
        using var _ = ManagedKernel.Use(kernel);
        RunQLat.RunQLatProgram.Start.Clear();
        RunQLat.RunQLatProgram.Histogram.Clear();
        var task = new RunQLat.task_struct { pid = 42 };
        var other = new RunQLat.task_struct { pid = 7 };
        RunQLat.RunQLatProgram.OnWakeup(&task);
        kernel.TimeNs += 300_000; // 300 µs on the run queue: slot 8 (256-511)
        RunQLat.RunQLatProgram.OnSwitch(false, &other, &task, 1);
        Assert.Equal(1UL, RunQLat.RunQLatProgram.Histogram.ToArray()[8]);
        Assert.Equal(1UL, RunQLat.RunQLatProgram.Histogram.ToArray().Aggregate(0UL, (a, b) => a + b));
        Assert.False(RunQLat.RunQLatProgram.Start.ContainsKey(42));
    }

    [KernelFact]
    public void RunQLat_in_CSharp_fills_its_histogram_as_its_C_twin_does()
    {
        using var csharp = BpfObject.Load(ProgramCompiler.Compile(typeof(RunQLat.RunQLatProgram)));
        using var c = BpfObject.Load(Fixtures.Path("runqlat"));
        var links = new List<IDisposable>();
        try
        {
            foreach (var bpf in new[] { csharp, c })
                foreach (var name in new[] { "OnWakeup", "OnWakeupNew", "OnSwitch" })
                    links.Add(bpf.Programs[name].AsTracing().Attach());
            var sleeper = new Thread(() => { for (var i = 0; i < 200; i++) Thread.Sleep(1); });
            sleeper.Start();
            sleeper.Join();
        }
        finally
        {
            foreach (var link in links) link.Dispose();
        }
        ulong Total(BpfObject bpf)
        {
            var histogram = bpf.Maps["Histogram"].AsArray<ulong>();
            return Enumerable.Range(0, 32).Aggregate(0UL, (sum, i) => sum + histogram[(uint)i]);
        }
        // Every 1 ms sleep ends in a wakeup and a switch to the sleeper: both see at least those.
        Assert.InRange(Total(csharp), 200UL, ulong.MaxValue);
        Assert.InRange(Total(c), 200UL, ulong.MaxValue);
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
            // The last call has no task; its sequence number is the kernel's to choose.
            Assert.Matches($"^task 0 pid {sleeper.Id}\nend [0-9]+\n$", link.ReadToEnd());
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
