// Compiled by the CO-RE tests with Roslyn together with the kernel types `ebpf generate btf` writes for this kernel
// (not part of the test assembly: the types exist only once generated).
using Ebpf.Kernel;
using Kernel.Generated;

namespace CoreTests;

[License("GPL")]
public static unsafe class TaskReads
{
    /// <summary>tgid -> the parent's tgid (high half) and the task's own tgid (low half), both read through CO-RE.</summary>
    [Map] public static readonly HashMap<uint, ulong> Parents = new(maxEntries: 4096);

    /// <summary>As <see cref="Parents"/>, written by the tp_btf program.</summary>
    [Map] public static readonly HashMap<uint, ulong> BtfParents = new(maxEntries: 4096);

    /// <summary>Answers of Core's questions and a bitfield, by index (see <see cref="Questions"/>).</summary>
    [Map] public static readonly ArrayMap<long> Answers = new(maxEntries: 16);

    [RawTracePoint("sys_enter")]
    public static int ParentOf(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        var tgid = (uint)(Bpf.GetCurrentPidTgid() >> 32);
        Parents.Update(tgid, (ulong)(uint)task->real_parent->tgid << 32 | (uint)task->tgid);
        return 0;
    }

    /// <summary>The same reads as <see cref="ParentOf"/> where the kernel hands out BTF pointers: relocated direct loads.</summary>
    [TpBtf("sys_enter")]
    public static int ParentOfBtf(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTaskBtf();
        var tgid = (uint)(Bpf.GetCurrentPidTgid() >> 32);
        BtfParents.Update(tgid, (ulong)(uint)task->real_parent->tgid << 32 | (uint)task->tgid);
        return 0;
    }

    [RawTracePoint("sys_enter")]
    public static int ParentIfKnown(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        if (!Core.FieldExists<task_struct>("real_parent"))
            return 1;
        Parents.Update(0, (ulong)(uint)task->real_parent->tgid);
        return 0;
    }

    [RawTracePoint("sys_enter")]
    public static int Questions(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        if ((uint)(Bpf.GetCurrentPidTgid() >> 32) != (uint)task->tgid)
            return 0;
        Answers.Update(0, Core.FieldSize(ref task->tgid));
        Answers.Update(1, Core.FieldOffset<task_struct>("tgid"));
        Answers.Update(2, Core.TypeSize<task_struct>());
        Answers.Update(3, Core.TypeExists<task_struct>() ? 1 : 0);
        Answers.Update(4, Core.EnumValue(pid_type.PIDTYPE_SID));
        Answers.Update(5, Core.EnumValueExists(pid_type.PIDTYPE_SID) ? 1 : 0);
        Answers.Update(6, Core.FieldSigned(ref task->tgid) ? 1 : 0);
        Answers.Update(7, Core.FieldExists(ref task->tgid) ? 1 : 0);
        Answers.Update(8, task->sched_reset_on_fork);
        Answers.Update(9, Core.TypeMatches<pid_type>() ? 1 : 0);
        Answers.Update(10, Core.TypeIdTarget<task_struct>());
        Answers.Update(11, Core.FieldLShift<task_struct>("sched_reset_on_fork"));
        Answers.Update(12, Core.FieldRShift<task_struct>("sched_reset_on_fork"));
        return 0;
    }
}
