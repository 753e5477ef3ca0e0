using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Generation;
using Ebpf.Compiler.Tests.Core;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.KernelFunctions;

/// <summary>
/// Kfuncs declared by a user with the kernel types `ebpf generate btf` writes for this kernel: the program and the
/// generated task_struct compiled together by Roslyn, as a user's build compiles them, then to BPF and into the kernel.
/// </summary>
public sealed class KfuncGeneratedTypesTests
{
    private const string Program = """
        using Ebpf.Kernel;
        using Kernel.Generated;

        namespace KfuncUsers;

        [License("GPL")]
        public static unsafe class GeneratedTaskPrograms
        {
            /// <summary>[0]: the process to watch (the test writes it); [1]: its parent's tgid, as the program read it.</summary>
            [Map] public static readonly ArrayMap<long> Results = new(maxEntries: 2);

            [Kfunc("bpf_task_from_pid")] private static extern task_struct* TaskFromPid(int pid);
            [Kfunc("bpf_task_release")] private static extern void TaskRelease(task_struct* task);

            [TpBtf("sys_enter")]
            public static int ParentOfWatched(ulong regs, long id)
            {
                if (!Results.TryGetValue(0, out var watched) || watched == 0 || (uint)(Bpf.GetCurrentPidTgid() >> 32) != (uint)watched)
                    return 0;
                var task = TaskFromPid((int)watched);
                if (task == null)
                    return 0;
                long parent = task->real_parent->tgid;
                TaskRelease(task);
                Results.Update(1, parent);
                return 0;
            }
        }
        """;

    private static readonly Lazy<(Type Programs, byte[] Object)> Built = new(() =>
    {
        using var kernel = Btf.LoadKernel();
        var directory = Path.Combine(Path.GetTempPath(), $"ebpf-kfunc-tests-{Environment.ProcessId}");
        try
        {
            var types = new BtfCSharpGenerator(kernel, "Kernel.Generated").Generate(["task_struct"], Btf.KernelPath);
            var assembly = GeneratedCode.Compile([(Path.Combine(directory, "KernelTypes.g.cs"), types), (Path.Combine(directory, "GeneratedTaskPrograms.cs"), Program)],
                "KfuncGeneratedTypes", directory);
            var programs = assembly.GetType("KfuncUsers.GeneratedTaskPrograms", throwOnError: true)!;
            return (programs, ProgramCompiler.Compile(programs));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    [KernelFact]
    public void The_prototype_points_at_the_generated_task_struct()
    {
        var spec = BpfObjectFile.Read(Built.Value.Object);
        var btf = spec.Btf!;
        var proto = (BtfFuncProto)btf[((BtfFunc)btf.FindByName("bpf_task_from_pid", BtfKind.Func)!).Type];
        var task = (BtfStruct)btf[((BtfPointer)btf[proto.ReturnType]).Type];
        Assert.Equal("task_struct", task.Name);
        Assert.Contains(task.Members, m => m.Name == "real_parent"); // the generated struct, whole: libbpf compares it with the kernel's
    }

    [KernelFact]
    public void A_user_declared_kfunc_over_generated_types_finds_this_process_and_its_parent()
    {
        using var bpf = BpfObject.Load(Built.Value.Object);
        var results = bpf.Maps["Results"].AsArray<long>();
        results[0] = Environment.ProcessId;
        using (bpf.Programs["ParentOfWatched"].AsTracing().Attach())
            for (var i = 0; i < 10_000 && results[1] == 0; i++)
                File.Exists("/proc/self/status"); // a syscall of this process
        results[0] = 0;
        var parent = File.ReadLines("/proc/self/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(long.Parse(parent), results[1]);
    }
}
