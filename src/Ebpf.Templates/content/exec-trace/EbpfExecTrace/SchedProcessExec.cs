using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace EbpfExecTrace;

/// <summary>
/// The record of the tracepoint sched/sched_process_exec, as the kernel's tracefs format describes it
/// (/sys/kernel/tracing/events/sched/sched_process_exec/format). `ebpf generate tracepoint CATEGORY/NAME -o FILE.cs` writes
/// such a struct for any other tracepoint.
/// </summary>
[TracepointRecord("sched", "sched_process_exec")]
[StructLayout(LayoutKind.Explicit, Size = 20)]
public struct SchedProcessExec
{
    [FieldOffset(0)] public ushort common_type;
    [FieldOffset(2)] public byte common_flags;
    [FieldOffset(3)] public byte common_preempt_count;
    [FieldOffset(4)] public int common_pid;
    /// <summary>Where the file name is: its offset from the record's start in the low 16 bits, its length in the high 16.</summary>
    [FieldOffset(8)] public uint __data_loc_filename;
    [FieldOffset(12)] public int pid;
    [FieldOffset(16)] public int old_pid;
}
