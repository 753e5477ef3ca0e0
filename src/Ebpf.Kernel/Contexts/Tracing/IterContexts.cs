using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary><c>struct bpf_iter_meta</c>: the output seq_file of an iterator run (write with <see cref="Bpf.SeqPrintf(ulong, string)"/>), the run's id and the object's index.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BpfIterMeta
{
    public ulong Seq;
    public ulong SessionId;
    public ulong SeqNum;
}

/// <summary>
/// The context of an iterator over tasks ("iter/task"), <c>struct bpf_iter__task</c>: an <c>[Iter("task")]</c> program takes a
/// pointer to it and runs once per task, then once more with <see cref="Task"/> 0 (the end).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct TaskIterContext
{
    public BpfIterMeta* Meta;
    /// <summary>The task_struct's address; 0 on the last call.</summary>
    public ulong Task;

    /// <summary>A context for tests, in the managed kernel's memory: its seq_file is <see cref="ManagedKernel.OpenSeqFile"/>'s.</summary>
    [ManagedOnly]
    public static TaskIterContext* ForTest(ulong task, ulong seqNum = 0, ulong? seq = null)
    {
        var kernel = ManagedKernel.Current;
        var meta = new BpfIterMeta { Seq = seq ?? kernel.OpenSeqFile(), SeqNum = seqNum };
        var metaAddress = kernel.Memory.Map(MemoryMarshal.AsBytes(new ReadOnlySpan<BpfIterMeta>(in meta)));
        var ctx = new TaskIterContext { Meta = (BpfIterMeta*)metaAddress, Task = task };
        return (TaskIterContext*)kernel.Memory.Map(MemoryMarshal.AsBytes(new ReadOnlySpan<TaskIterContext>(in ctx)));
    }
}
