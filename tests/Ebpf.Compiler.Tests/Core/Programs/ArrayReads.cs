// Compiled by the CO-RE array tests with Roslyn together with the kernel types `ebpf generate btf` writes for this kernel
// (task_struct, signal_struct and the struct rlimit rlim[16] it holds; not part of the test assembly).
using System;
using System.Runtime.CompilerServices;
using Ebpf.Kernel;
using Kernel.Generated;

namespace CoreTests;

[License("GPL")]
public static unsafe class ArrayReads
{
    /// <summary>RLIMIT_NOFILE: a #define in C, so not in BTF.</summary>
    public const int RlimitNofile = 7;

    /// <summary>Which rlimit the variable-index reads take: element 0, written by the test.</summary>
    [Map] public static readonly ArrayMap<uint> Which = new(maxEntries: 1);

    /// <summary>(tgid &lt;&lt; 8 | slot) -> a limit; the slots are listed on <see cref="Read"/>.</summary>
    [Map] public static readonly HashMap<ulong, ulong> Limits = new(maxEntries: 4096);

    /// <summary>Probe reads (raw_tracepoint): slots 0-4.</summary>
    [RawTracePoint("sys_enter")]
    public static int Limit(ulong regs, long id)
    {
        Read((task_struct*)Bpf.GetCurrentTask(), 0);
        return 0;
    }

    /// <summary>Relocated direct loads where the index is a constant (tp_btf): slots 8-12.</summary>
    [TpBtf("sys_enter")]
    public static int LimitBtf(ulong regs, long id)
    {
        Read((task_struct*)Bpf.GetCurrentTaskBtf(), 8);
        return 0;
    }

    /// <summary>
    /// slot +0: rlim[RLIMIT_NOFILE].rlim_cur (a constant index); +1: its rlim_max; +2: rlim[Which].rlim_cur (a variable
    /// index, masked); +3: rlim[RLIMIT_NOFILE] copied whole, its rlim_cur; +4: rlim_max of element 0, named without an
    /// index; +5: rlim[Which].rlim_max, the index clamped with Math.Min.
    /// </summary>
    private static void Read(task_struct* task, ulong slot)
    {
        var key = Bpf.GetCurrentPidTgid() >> 32 << 8 | slot;
        Limits.Update(key, Unsafe.Add(ref task->signal->rlim, RlimitNofile).rlim_cur);
        Limits.Update(key + 1, Unsafe.Add(ref task->signal->rlim, RlimitNofile).rlim_max);
        if (Which.TryGetValue(0, out var which))
        {
            Limits.Update(key + 2, Unsafe.Add(ref task->signal->rlim, (int)(which & 15)).rlim_cur);
            Limits.Update(key + 5, Unsafe.Add(ref task->signal->rlim, (int)Math.Min(which, 15u)).rlim_max);
        }
        var copy = Unsafe.Add(ref task->signal->rlim, RlimitNofile);
        Limits.Update(key + 3, copy.rlim_cur);
        Limits.Update(key + 4, task->signal->rlim.rlim_max);
    }
}

/// <summary>rlim has 16 elements: index 16 is a build error where it is written.</summary>
[License("GPL")]
public static unsafe class IndexPastTheEnd
{
    [Map] public static readonly ArrayMap<ulong> Out = new(maxEntries: 1);

    [RawTracePoint("sys_enter")]
    public static int Program(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        Out.Update(0, Unsafe.Add(ref task->signal->rlim, 16).rlim_cur);
        return 0;
    }
}

/// <summary>A variable index nothing bounds: a build error (it would read past the array in both worlds).</summary>
[License("GPL")]
public static unsafe class UnboundedIndex
{
    [Map] public static readonly ArrayMap<ulong> Out = new(maxEntries: 1);

    [RawTracePoint("sys_enter")]
    public static int Program(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        Out.Update(0, Unsafe.Add(ref task->signal->rlim, (int)id).rlim_cur);
        return 0;
    }
}

/// <summary>A mask that lets the index reach past the end (0..31 of 16).</summary>
[License("GPL")]
public static unsafe class MaskPastTheEnd
{
    [Map] public static readonly ArrayMap<ulong> Out = new(maxEntries: 1);

    [RawTracePoint("sys_enter")]
    public static int Program(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        Out.Update(0, Unsafe.Add(ref task->signal->rlim, (int)id & 31).rlim_cur);
        return 0;
    }
}

/// <summary>C-style pointer indexing scales by the compiled element size: refused, naming Unsafe.Add.</summary>
[License("GPL")]
public static unsafe class PointerIndexing
{
    [Map] public static readonly ArrayMap<ulong> Out = new(maxEntries: 1);

    [RawTracePoint("sys_enter")]
    public static int Program(ulong regs, long id)
    {
        var task = (task_struct*)Bpf.GetCurrentTask();
        Out.Update(0, (&task->signal->rlim)[7].rlim_cur);
        return 0;
    }
}
