using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace EbpfExecTrace;

/// <summary>One program started, as user space reads it from the ring buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct ExecEvent
{
    public uint Pid;
    public uint Uid;
    public fixed byte Comm[16];
}

/// <summary>
/// The kernel side: on every exec on the machine, sends the new program's pid, the user and the command name to user space
/// through a ring buffer. dotnet build compiles it to BPF; the tests call it as .NET with a test record.
/// </summary>
[License("GPL")]
public sealed unsafe class ExecProgram
{
    [Map] public static readonly RingBuffer Events = new(64 * 1024);

    [TracePoint("sched", "sched_process_exec")]
    public static int OnExec(SchedProcessExec* ctx)
    {
        ExecEvent e; // fields set one by one: an initializer would build a second copy on the 512-byte stack
        e.Pid = (uint)ctx->pid;
        e.Uid = (uint)Bpf.GetCurrentUidGid();
        Bpf.GetCurrentComm(new Span<byte>(e.Comm, 16));
        Events.Output(in e);
        return 0;
    }
}
