namespace Ebpf.Kernel;

/// <summary>
/// The kfuncs programs reach for most, declared with <see cref="KfuncAttribute"/>: tasks and cgroups by id with their
/// references, and RCU read sections. Tracing programs (tp_btf, fentry, LSM, iterators), syscall programs and
/// struct_ops may call them. Managed, they answer from <see cref="ManagedKernel.Current"/>: the tasks and cgroups a test
/// added, with the references counted, so a test sees a leaked or doubly released reference.
/// </summary>
/// <example>
/// <code>
/// var task = Kfuncs.TaskFromPid(pid);
/// if (task == null) return 0;
/// var tgid = task->Tgid;
/// Kfuncs.TaskRelease(task);
/// </code>
/// </example>
public static unsafe class Kfuncs
{
    /// <summary>
    /// The task with thread id <paramref name="pid"/> in the initial pid namespace, with a reference taken
    /// (<c>bpf_task_from_pid</c>, KF_ACQUIRE | KF_RET_NULL): null when there is none; otherwise release it with
    /// <see cref="TaskRelease"/> on every path.
    /// </summary>
    [Kfunc("bpf_task_from_pid")]
    public static KernelTask* TaskFromPid(int pid) => ManagedKernel.Current.AcquireTask(pid);

    /// <summary>Takes another reference on a task the program holds a trusted pointer to (<c>bpf_task_acquire</c>, KF_ACQUIRE | KF_RET_NULL).</summary>
    [Kfunc("bpf_task_acquire")]
    public static KernelTask* TaskAcquire(KernelTask* task) => ManagedKernel.Current.AcquireTask(task);

    /// <summary>Drops a reference taken by <see cref="TaskFromPid"/> or <see cref="TaskAcquire"/> (<c>bpf_task_release</c>, KF_RELEASE).</summary>
    [Kfunc("bpf_task_release")]
    public static void TaskRelease(KernelTask* task) => ManagedKernel.Current.ReleaseTask(task);

    /// <summary>
    /// The cgroup (v2) with id <paramref name="id"/>, with a reference taken (<c>bpf_cgroup_from_id</c>, KF_ACQUIRE |
    /// KF_RET_NULL): null when there is none; otherwise release it with <see cref="CgroupRelease"/>.
    /// </summary>
    [Kfunc("bpf_cgroup_from_id")]
    public static KernelCgroup* CgroupFromId(ulong id) => ManagedKernel.Current.AcquireCgroup(id);

    /// <summary>Drops a reference taken by <see cref="CgroupFromId"/> (<c>bpf_cgroup_release</c>, KF_RELEASE).</summary>
    [Kfunc("bpf_cgroup_release")]
    public static void CgroupRelease(KernelCgroup* cgroup) => ManagedKernel.Current.ReleaseCgroup(cgroup);

    /// <summary>
    /// Opens an RCU read-side section (<c>bpf_rcu_read_lock</c>): pointers read from RCU-protected fields inside it are
    /// trusted until <see cref="RcuReadUnlock"/>. Sections nest; every path must close each one before returning.
    /// </summary>
    [Kfunc("bpf_rcu_read_lock")]
    public static void RcuReadLock() => ManagedKernel.Current.RcuLock();

    /// <summary>Closes the innermost section opened by <see cref="RcuReadLock"/> (<c>bpf_rcu_read_unlock</c>).</summary>
    [Kfunc("bpf_rcu_read_unlock")]
    public static void RcuReadUnlock() => ManagedKernel.Current.RcuUnlock();
}
