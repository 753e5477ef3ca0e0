using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace ExecSnoop;

/// <summary>One exec, as user space receives it from the ring buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe partial struct ExecEvent
{
    public uint Pid;
    public uint ParentPid;
    public uint Uid;
    public uint Reserved;
    public fixed byte Comm[16];
    public fixed byte FileName[256];
}

/// <summary>
/// execsnoop: on sched_process_exec, the new program's pid, its parent's (task->real_parent->tgid, a CO-RE read that
/// follows the running kernel's task_struct), uid, comm and the file executed (the record's __data_loc string).
/// </summary>
[License("GPL")]
public sealed unsafe class ExecSnoopProgram
{
    [Map] public static readonly RingBuffer Events = new(256 * 1024);

    [TracePoint("sched", "sched_process_exec")]
    public static int OnExec(SchedProcessExec* ctx)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        ExecEvent e; // fields set one by one: an object initializer would build a second copy on the 512-byte stack
        e.Pid = (uint)(Bpf.GetCurrentPidTgid() >> 32);
        e.ParentPid = (uint)task->real_parent->tgid;
        e.Uid = (uint)Bpf.GetCurrentUidGid();
        e.Reserved = 0;
        Bpf.GetCurrentComm(new Span<byte>(e.Comm, 16));
        ctx->ReadFilename(new Span<byte>(e.FileName, 256));
        Events.Output(in e);
        return 0;
    }
}
