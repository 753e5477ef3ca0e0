using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// The kernel's <c>task_struct</c> with the few members most programs read, for the kfuncs of <see cref="Kfuncs"/>.
/// Reads through a pointer to it are CO-RE relocated like those of a generated kernel type, so the offsets here need not
/// be the running kernel's; for other members generate <c>task_struct</c> with <c>ebpf generate btf</c> and cast the pointer.
/// </summary>
[KernelType("task_struct")]
[StructLayout(LayoutKind.Explicit, Size = 32)]
public unsafe struct KernelTask
{
    /// <summary>The thread id (<c>pid</c>).</summary>
    [FieldOffset(0), KernelName("pid")] public int Pid;

    /// <summary>The process id (<c>tgid</c>): the thread group's leader's pid.</summary>
    [FieldOffset(4), KernelName("tgid")] public int Tgid;

    /// <summary>The task's name (<c>comm</c>), NUL-terminated unless it takes all 16 bytes.</summary>
    [FieldOffset(8), KernelName("comm")] public fixed byte Comm[16];

    /// <summary>
    /// The task that created this one (<c>real_parent</c>), protected by RCU: read it between <see cref="Kfuncs.RcuReadLock"/>
    /// and <see cref="Kfuncs.RcuReadUnlock"/> to pass it to <see cref="Kfuncs.TaskAcquire"/>.
    /// </summary>
    [FieldOffset(24), KernelName("real_parent")] public KernelTask* RealParent;
}

/// <summary>
/// The kernel's <c>struct cgroup</c> with its depth in the hierarchy, for the kfuncs of <see cref="Kfuncs"/>; reads are
/// CO-RE relocated as those of <see cref="KernelTask"/>.
/// </summary>
[KernelType("cgroup")]
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct KernelCgroup
{
    /// <summary>Depth in the hierarchy (<c>level</c>): 0 for the root cgroup.</summary>
    [FieldOffset(0), KernelName("level")] public int Level;
}
