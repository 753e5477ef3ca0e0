using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Kernel;

// What the kfuncs of Kfuncs answer when a program runs as plain .NET: tasks and cgroups a test adds, each in pinned
// memory (programs read them through real pointers), with references counted as the kernel counts them.
public sealed unsafe partial class ManagedKernel
{
    private readonly Dictionary<int, nint> _tasks = [];
    private readonly Dictionary<ulong, nint> _cgroups = [];
    private readonly Dictionary<nint, int> _references = [];
    private int _rcuDepth;

    /// <summary>
    /// Kfuncs this kernel lacks, by kernel or C# name: <see cref="Kfunc.Exists(string)"/> answers false for them, as a
    /// weak kfunc the running kernel does not have reads in the kernel.
    /// </summary>
    public ISet<string> MissingKfuncs { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Adds a task that <see cref="Kfuncs.TaskFromPid"/> finds by <paramref name="pid"/>; returns where it lives.</summary>
    /// <param name="pid">Its thread id.</param>
    /// <param name="tgid">Its process id; the thread id when not given.</param>
    /// <param name="comm">Its name (at most 15 bytes are kept, as the kernel keeps them).</param>
    /// <param name="parent">Its <see cref="KernelTask.RealParent"/>, a task added before; null for none.</param>
    public KernelTask* AddTask(int pid, int? tgid = null, string comm = "task", KernelTask* parent = null)
    {
        var task = (KernelTask*)NativeMemory.AllocZeroed((nuint)sizeof(KernelTask));
        task->Pid = pid;
        task->Tgid = tgid ?? pid;
        task->RealParent = parent;
        var name = Encoding.ASCII.GetBytes(comm);
        new ReadOnlySpan<byte>(name, 0, Math.Min(name.Length, 15)).CopyTo(new Span<byte>(task->Comm, 16));
        lock (_tasks) _tasks.Add(pid, (nint)task); // never freed: a program may still hold the pointer when the test ends
        return task;
    }

    /// <summary>Adds a cgroup that <see cref="Kfuncs.CgroupFromId"/> finds by <paramref name="id"/>; returns where it lives.</summary>
    public KernelCgroup* AddCgroup(ulong id, int level = 1)
    {
        var cgroup = (KernelCgroup*)NativeMemory.AllocZeroed((nuint)sizeof(KernelCgroup));
        cgroup->Level = level;
        lock (_tasks) _cgroups.Add(id, (nint)cgroup);
        return cgroup;
    }

    /// <summary>References the programs took with the acquiring kfuncs and have not released, for tests that check none leaks.</summary>
    public int HeldReferences
    {
        get { lock (_tasks) return _references.Values.Sum(); }
    }

    /// <summary>How deep in RCU read sections the programs are (<see cref="Kfuncs.RcuReadLock"/>); 0 when all were closed.</summary>
    public int RcuDepth
    {
        get { lock (_tasks) return _rcuDepth; }
    }

    internal KernelTask* AcquireTask(int pid)
    {
        lock (_tasks)
            return _tasks.TryGetValue(pid, out var task) ? (KernelTask*)Acquire(task) : null;
    }

    internal KernelTask* AcquireTask(KernelTask* task)
    {
        lock (_tasks)
            return _tasks.ContainsValue((nint)task) ? (KernelTask*)Acquire((nint)task) : throw NotFrom("bpf_task_acquire", "a task", (nint)task, "ManagedKernel.AddTask");
    }

    internal void ReleaseTask(KernelTask* task) => Release("bpf_task_release", (nint)task);

    internal KernelCgroup* AcquireCgroup(ulong id)
    {
        lock (_tasks)
            return _cgroups.TryGetValue(id, out var cgroup) ? (KernelCgroup*)Acquire(cgroup) : null;
    }

    internal void ReleaseCgroup(KernelCgroup* cgroup) => Release("bpf_cgroup_release", (nint)cgroup);

    internal void RcuLock()
    {
        lock (_tasks) _rcuDepth++;
    }

    internal void RcuUnlock()
    {
        lock (_tasks)
        {
            // The verifier refuses an unlock without its lock; managed, the same program fails here.
            if (_rcuDepth == 0)
                throw new InvalidOperationException("bpf_rcu_read_unlock without a bpf_rcu_read_lock before it: the verifier refuses this program");
            _rcuDepth--;
        }
    }

    private nint Acquire(nint pointer)
    {
        _references[pointer] = _references.GetValueOrDefault(pointer) + 1;
        return pointer;
    }

    private void Release(string kfunc, nint pointer)
    {
        lock (_tasks)
        {
            if (!_references.TryGetValue(pointer, out var count) || count == 0)
                throw NotFrom(kfunc, "a reference", pointer, "an acquiring kfunc");
            _references[pointer] = count - 1;
        }
    }

    private static InvalidOperationException NotFrom(string kfunc, string what, nint pointer, string source) =>
        new($"{kfunc}(0x{pointer:x}): not {what} taken with {source} and still held; the verifier refuses a release of a pointer the program does not own");
}
