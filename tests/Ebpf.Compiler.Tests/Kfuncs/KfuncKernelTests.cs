using Ebpf.Compiler.CodeGen;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.KernelFunctions;

/// <summary>C# programs that call kfuncs, loaded, attached and run in this kernel; and the loader's answer to kfuncs it lacks.</summary>
public sealed class KfuncKernelTests
{
    private static readonly Lazy<byte[]> Object = new(() => ProgramCompiler.Compile(typeof(KfuncPrograms)));

    /// <summary>A thread of this process other than the main one, so its pid and tgid differ.</summary>
    private static int OtherThread() =>
        Directory.GetDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d))).First(tid => tid != Environment.ProcessId);

    /// <summary>Attaches one program, makes syscalls until <paramref name="index"/> of Results is set (bounded), and returns it.</summary>
    private static long RunUntilSet(string program, int index)
    {
        using var bpf = BpfObject.Load(Object.Value);
        var target = bpf.Maps["Target"].AsArray<int>();
        var results = bpf.Maps["Results"].AsArray<long>();
        results[(uint)index] = long.MinValue;
        target[1] = OtherThread();
        target[0] = Environment.ProcessId;
        using var link = bpf.Programs[program].AsTracing().Attach();
        for (var i = 0; i < 10_000 && results[(uint)index] == long.MinValue; i++)
            File.Exists("/proc/self/status"); // a syscall of this process
        target[0] = 0;
        return results[(uint)index];
    }

    [KernelFact]
    public void TaskFromPid_finds_a_thread_of_this_process_and_reads_its_tgid_and_pid()
    {
        using var bpf = BpfObject.Load(Object.Value);
        var thread = OtherThread();
        var target = bpf.Maps["Target"].AsArray<int>();
        var results = bpf.Maps["Results"].AsArray<long>();
        target[1] = thread;
        target[0] = Environment.ProcessId;
        using (bpf.Programs[nameof(KfuncPrograms.TaskOfPid)].AsTracing().Attach())
            for (var i = 0; i < 10_000 && results[0] == 0; i++)
                File.Exists("/proc/self/status");
        target[0] = 0;
        Assert.Equal(Environment.ProcessId, results[0]); // the thread's tgid: this process
        Assert.Equal(thread, results[1]);                // its own id
        Assert.NotEqual(results[0], results[1]);
    }

    [KernelFact]
    public void The_parent_read_under_rcu_and_acquired_is_this_process_parent()
    {
        var parent = File.ReadLines("/proc/self/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(long.Parse(parent), RunUntilSet(nameof(KfuncPrograms.ParentUnderRcu), 2));
    }

    [KernelFact]
    public void A_missing_weak_kfunc_loads_and_Exists_is_false_in_the_kernel()
    {
        // -1: Kfunc.Exists was false, so the poisoned call was never reached; +100: the user-declared bpf_task_from_pid found the thread.
        Assert.Equal(99, RunUntilSet(nameof(KfuncPrograms.GuardedMissing), 3));
    }

    [KernelFact]
    public void A_missing_strong_kfunc_fails_the_load_naming_it_and_the_fix()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(ProgramCompiler.Compile(typeof(KfuncMissingProgram))));
        Assert.Contains("ebpf_dotnet_missing_strong", e.Message);
        Assert.Contains("does not provide", e.Message);
        Assert.Contains("Weak = true", e.Message);
    }

    [KernelFact]
    public void An_unguarded_call_of_a_missing_weak_kfunc_is_refused_with_the_guard_to_add()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(ProgramCompiler.Compile(typeof(KfuncUnguardedProgram))));
        Assert.Contains("ebpf_dotnet_no_such_kfunc", e.Message);
        Assert.Contains("Kfunc.Exists(\"ebpf_dotnet_no_such_kfunc\")", e.Message);
    }

    [KernelFact]
    public void A_reference_never_released_is_refused_naming_the_line_that_took_it_and_the_fix()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(ProgramCompiler.Compile(typeof(KfuncVerifierMistakes.Leak))));
        Assert.Contains("Unreleased reference", e.Message);
        Assert.Contains("KfuncPrograms.cs:" + LineOf("var task = Kfuncs.TaskFromPid(1);", 0) + ": var task = Kfuncs.TaskFromPid(1);", e.Message);
        Assert.Contains("release it on every path", e.Message);
    }

    [KernelFact]
    public void A_pointer_used_before_its_null_check_is_refused_with_the_check_to_add()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(ProgramCompiler.Compile(typeof(KfuncVerifierMistakes.Unchecked))));
        Assert.Contains("KfuncPrograms.cs:" + LineOf("var tgid = task->Tgid;", 0), e.Message);
        Assert.Contains("compare it with null", e.Message);
    }

    /// <summary>The line of the <paramref name="skip"/>+1-th occurrence of <paramref name="text"/> in KfuncPrograms.cs from the Leak program on.</summary>
    private static int LineOf(string text, int skip)
    {
        var lines = File.ReadAllLines(Path.Combine(SourceDirectory(), "KfuncPrograms.cs"));
        var from = Array.FindIndex(lines, l => l.Contains("class KfuncVerifierMistakes", StringComparison.Ordinal));
        return Enumerable.Range(from, lines.Length - from).Where(i => lines[i].Contains(text, StringComparison.Ordinal)).Skip(skip).First() + 1;
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
