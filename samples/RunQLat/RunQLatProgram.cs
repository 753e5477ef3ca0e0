using System.Runtime.CompilerServices;
using Ebpf.Kernel;

namespace RunQLat;

/// <summary>
/// runqlat: how long tasks wait on a run queue. A wakeup stamps the task; when the scheduler switches to it, the wait
/// (in µs) goes into a log2 histogram: slot k counts waits of 2^k to 2^(k+1)-1 µs. A task switched out while still
/// runnable (preempted) is stamped too. tp_btf programs: the tasks are typed BTF pointers, their pids CO-RE loads.
/// </summary>
[License("GPL")]
public sealed unsafe class RunQLatProgram
{
    public const int Slots = 32;

    [Map] public static readonly HashMap<int, ulong> Start = new(maxEntries: 10240);
    [Map] public static readonly ArrayMap<ulong> Histogram = new(maxEntries: Slots);

    [TpBtf("sched_wakeup")]
    public static int OnWakeup(task_struct* task) => Stamp(task->pid);

    [TpBtf("sched_wakeup_new")]
    public static int OnWakeupNew(task_struct* task) => Stamp(task->pid);

    [TpBtf("sched_switch")]
    public static int OnSwitch(bool preempt, task_struct* previous, task_struct* next, uint previousState)
    {
        if (previousState == 0) // TASK_RUNNING: preempted, back on the queue
            Stamp(previous->pid);
        var pid = next->pid;
        ref var stamped = ref Start.Lookup(pid);
        if (Unsafe.IsNullRef(ref stamped))
            return 0;
        var waited = (Bpf.KtimeGetNs() - stamped) / 1000;
        Histogram.Add(Log2(waited), 1);
        Start.Remove(pid);
        return 0;
    }

    private static int Stamp(int pid)
    {
        if (pid != 0)
            Start.Update(pid, Bpf.KtimeGetNs());
        return 0;
    }

    /// <summary>floor(log2(v)) for v &gt; 0, 0 for 0, without loops, capped at the last slot.</summary>
    public static uint Log2(ulong v)
    {
        var high = (uint)(v >> 32);
        var slot = high != 0 ? Log2(high) + 32 : Log2((uint)v);
        return slot < Slots ? slot : Slots - 1;
    }

    private static uint Log2(uint v)
    {
        var r = (v > 0xffff ? 1u : 0u) << 4;
        v >>= (int)r;
        var shift = (v > 0xff ? 1u : 0u) << 3;
        v >>= (int)shift;
        r |= shift;
        shift = (v > 0xf ? 1u : 0u) << 2;
        v >>= (int)shift;
        r |= shift;
        shift = (v > 0x3 ? 1u : 0u) << 1;
        v >>= (int)shift;
        r |= shift;
        return r | (v >> 1);
    }
}
