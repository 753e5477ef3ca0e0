using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace OpenSnoop;

/// <summary>One openat call, as user space receives it from the ring buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe partial struct OpenEvent
{
    public uint Pid;
    public uint Uid;
    /// <summary>The file descriptor, or -errno.</summary>
    public int Result;
    public int Flags;
    public fixed byte Comm[16];
    public fixed byte Path[256];
}

/// <summary>What the entry saw, kept until the exit of the same thread.</summary>
public struct OpenArgs
{
    public ulong Path;
    public int Flags;
}

/// <summary>
/// opensnoop: the entry of openat remembers the path's address and the flags by thread; the exit reads the path from the
/// caller's memory and sends pid, uid, comm, flags, path and the result.
/// </summary>
[License("GPL")]
public sealed unsafe class OpenSnoopProgram
{
    [Map] public static readonly HashMap<uint, OpenArgs> Pending = new(maxEntries: 10240);
    [Map] public static readonly RingBuffer Events = new(256 * 1024);

    [TracePoint("syscalls", "sys_enter_openat")]
    public static int Enter(SysEnterOpenat* ctx)
    {
        OpenArgs args; // fields set one by one: an object initializer builds a temporary and copies it
        args.Path = ctx->filename;
        args.Flags = (int)ctx->flags;
        Pending.Update((uint)Bpf.GetCurrentPidTgid(), args);
        return 0;
    }

    [TracePoint("syscalls", "sys_exit_openat")]
    public static int Exit(SysExitOpenat* ctx)
    {
        var id = Bpf.GetCurrentPidTgid();
        ref var args = ref Pending.Lookup((uint)id);
        if (Unsafe.IsNullRef(ref args))
            return 0;
        OpenEvent e; // fields set one by one: an object initializer would build a second 288-byte copy on the 512-byte stack
        e.Pid = (uint)(id >> 32);
        e.Uid = (uint)Bpf.GetCurrentUidGid();
        e.Result = (int)ctx->ret;
        e.Flags = args.Flags;
        Bpf.GetCurrentComm(new Span<byte>(e.Comm, 16));
        Bpf.ProbeReadUserString(new Span<byte>(e.Path, 256), args.Path);
        Events.Output(in e);
        Pending.Remove((uint)id);
        return 0;
    }
}
