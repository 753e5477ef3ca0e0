using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests.Tracing;

/// <summary>A task's name as a map key.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct CommKey
{
    public fixed byte Bytes[16];
}

/// <summary>
/// One C# program per tracing kind this kernel runs: raw_tracepoint and tp_btf on sched_process_exec (typed arguments),
/// a uprobe and a uretprobe on the test binary's add(a, b), and a task iterator writing with seq_printf.
/// </summary>
[License("GPL")]
public sealed unsafe class TracingKindPrograms
{
    [Map] public static readonly HashMap<CommKey, ulong> RawExecs = new(maxEntries: 1024);
    [Map] public static readonly HashMap<CommKey, ulong> BtfExecs = new(maxEntries: 1024);
    [Map] public static readonly HashMap<CommKey, long> LastOldPid = new(maxEntries: 1024);
    /// <summary>0: calls of add, 1: the sum of their arguments, 2: the sum of their return values.</summary>
    [Map] public static readonly ArrayMap<long> Probes = new(maxEntries: 3);

    [RawTracePoint("sched_process_exec")]
    public static int RawExec(ulong task, int oldPid, ulong binprm)
    {
        CommKey key;
        Bpf.GetCurrentComm(new Span<byte>(key.Bytes, 16));
        RawExecs.Add(key, 1);
        LastOldPid.Update(key, oldPid);
        return 0;
    }

    [TpBtf("sched_process_exec")]
    public static int BtfExec(ulong task, int oldPid, ulong binprm)
    {
        CommKey key;
        Bpf.GetCurrentComm(new Span<byte>(key.Bytes, 16));
        BtfExecs.Add(key, 1);
        return 0;
    }

    [UProbe]
    public static int OnAdd(PtRegsContext regs)
    {
        Probes.Add(0, 1);
        Probes.Add(1, (int)regs.Arg1 + (int)regs.Arg2);
        return 0;
    }

    [URetProbe]
    public static int OnAddReturn(PtRegsContext regs)
    {
        Probes.Add(2, (int)regs.ReturnValue);
        return 0;
    }

    [Iter("task")]
    public static int Tasks(TaskIterContext* ctx)
    {
        var meta = ctx->Meta;
        var task = (ExecSnoop.task_struct*)ctx->Task; // read once: the verifier knows the tested copy is not null
        if (task == null)
            Bpf.SeqPrintf(meta->Seq, "end %llu\n", meta->SeqNum);
        else
            Bpf.SeqPrintf(meta->Seq, "task %llu pid %d\n", meta->SeqNum, task->tgid); // a CO-RE relocated load
        return 0;
    }
}
