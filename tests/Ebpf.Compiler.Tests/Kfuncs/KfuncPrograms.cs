using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests.KernelFunctions;

/// <summary>
/// tp_btf programs that call kfuncs, each acting only on the syscalls of the process whose id the test writes to
/// <see cref="Target"/>[0], and writing what they found to <see cref="Results"/>.
/// </summary>
[License("GPL")]
public static unsafe class KfuncPrograms
{
    /// <summary>[0]: the process to watch; [1]: the thread id to look up with bpf_task_from_pid.</summary>
    [Map] public static readonly ArrayMap<int> Target = new(maxEntries: 2);

    /// <summary>
    /// [0]: tgid of the looked-up task; [1]: its pid; [2]: tgid of the watched process's parent, read under RCU;
    /// [3]: what the guarded call of a missing weak kfunc gave, plus 100 when the user-declared kfunc found the thread.
    /// </summary>
    [Map] public static readonly ArrayMap<long> Results = new(maxEntries: 8);

    /// <summary>A kfunc no kernel has, declared weak: the object loads, and <see cref="Kfunc.Exists"/> is false.</summary>
    [Kfunc("ebpf_dotnet_no_such_kfunc", Weak = true)]
    private static extern int NoSuchKfunc(int value);

    /// <summary>
    /// The user's own declaration of a kfunc, with the library's kernel types and a body: what managed runs do (the
    /// compiler never compiles it; programs call the kernel's bpf_task_from_pid).
    /// </summary>
    [Kfunc("bpf_task_from_pid")]
    private static KernelTask* FindTask(int pid) => Kfuncs.TaskFromPid(pid);

    private static bool Watched(out int thread)
    {
        thread = 0;
        if (!Target.TryGetValue(0, out var process) || process == 0 || (uint)(Bpf.GetCurrentPidTgid() >> 32) != (uint)process)
            return false;
        return Target.TryGetValue(1, out thread);
    }

    /// <summary>bpf_task_from_pid on a thread of the test, its tgid and pid read through the returned pointer, then released.</summary>
    [TpBtf("sys_enter")]
    public static int TaskOfPid(ulong regs, long id)
    {
        if (!Watched(out var thread))
            return 0;
        var task = Kfuncs.TaskFromPid(thread);
        if (task == null)
            return 0;
        long tgid = task->Tgid;
        long pid = task->Pid;
        Kfuncs.TaskRelease(task);
        Results.Update(1, pid);
        Results.Update(0, tgid);
        return 0;
    }

    /// <summary>The current task's parent, read under bpf_rcu_read_lock and acquired with bpf_task_acquire.</summary>
    [TpBtf("sys_enter")]
    public static int ParentUnderRcu(ulong regs, long id)
    {
        if (!Watched(out _))
            return 0;
        var task = (KernelTask*)Bpf.GetCurrentTaskBtf();
        Kfuncs.RcuReadLock();
        var parent = task->RealParent;
        KernelTask* held = null;
        if (parent != null)
            held = Kfuncs.TaskAcquire(parent);
        Kfuncs.RcuReadUnlock();
        if (held == null)
            return 0;
        long tgid = held->Tgid;
        Kfuncs.TaskRelease(held);
        Results.Update(2, tgid);
        return 0;
    }

    /// <summary>A missing weak kfunc, called only where <see cref="Kfunc.Exists"/> says the kernel has it; and a user-declared kfunc.</summary>
    [TpBtf("sys_enter")]
    public static int GuardedMissing(ulong regs, long id)
    {
        if (!Watched(out var thread))
            return 0;
        long answer = Kfunc.Exists(nameof(NoSuchKfunc)) ? NoSuchKfunc(7) : -1;
        var task = FindTask(thread);
        if (task != null)
        {
            answer += task->Pid == thread ? 100 : 0;
            Kfuncs.TaskRelease(task);
        }
        Results.Update(3, answer);
        return 0;
    }
}

/// <summary>A kfunc this kernel lacks, not weak: the load fails naming it.</summary>
[License("GPL")]
public static class KfuncMissingProgram
{
    [Kfunc("ebpf_dotnet_missing_strong")]
    private static extern void MissingStrong();

    [TpBtf("sys_enter")]
    public static int Calls(ulong regs, long id)
    {
        MissingStrong();
        return 0;
    }
}

/// <summary>A weak kfunc this kernel lacks, called without <see cref="Kfunc.Exists"/>: the verifier reaches the poisoned call.</summary>
[License("GPL")]
public static class KfuncUnguardedProgram
{
    [Kfunc("ebpf_dotnet_no_such_kfunc", Weak = true)]
    private static extern void NoSuchKfunc();

    [TpBtf("sys_enter")]
    public static int Calls(ulong regs, long id)
    {
        NoSuchKfunc();
        return 0;
    }
}

/// <summary>Mistakes only the verifier sees: a reference never released, a pointer used before its null check.</summary>
public static unsafe class KfuncVerifierMistakes
{
    [License("GPL")]
    public static class Leak
    {
        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id)
        {
            var task = Kfuncs.TaskFromPid(1);
            if (task == null)
                return 0;
            return task->Tgid == 1 ? 1 : 0;
        }
    }

    [License("GPL")]
    public static class Unchecked
    {
        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id)
        {
            var task = Kfuncs.TaskFromPid(1);
            var tgid = task->Tgid;
            Kfuncs.TaskRelease(task);
            return tgid == 1 ? 1 : 0;
        }
    }
}
