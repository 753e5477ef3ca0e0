using Ebpf.Kernel;
using OpenSnoop;

namespace Ebpf.Compiler.Tests.Tracing;

// Programs the compiler must refuse, one class each; the tests check the code and the line.

[License("GPL")]
public sealed unsafe class UserPointerAsKernel
{
    [TracePoint("syscalls", "sys_enter_openat")]
    public static int Enter(SysEnterOpenat* ctx)
    {
        Span<byte> path = stackalloc byte[64];
        return Bpf.ProbeReadKernelString(path, ctx->filename); // line 15: EBPF078
    }
}

[License("GPL")]
public sealed class SleepingHelperInNonSleepable
{
    [UProbe]
    public static int Probe(PtRegsContext regs)
    {
        Span<byte> bytes = stackalloc byte[8];
        return Bpf.CopyFromUser(bytes, regs.Arg1); // line 26: EBPF077
    }
}

[License("GPL")]
public sealed class WrongTracepointRecord
{
    [TracePoint("syscalls", "sys_exit_openat")]
    public static unsafe int Exit(SysEnterOpenat* ctx) => 0; // EBPF041: the record of another tracepoint
}

[License("GPL")]
public sealed class LsmReturningLong
{
    [Lsm("file_open")]
    public static long Open(ulong file) => 0; // EBPF041: LSM returns int
}

[License("GPL")]
public sealed class LsmReturningOne
{
    [Lsm("file_open")]
    public static int Open(ulong file) => 1; // line 48: EBPF080, 1 is not 0 or -errno
}

/// <summary>Compiles but cannot load here (this kernel refuses trampolines): fentry/fexit/fmod_ret/LSM with typed arguments.</summary>
[License("GPL")]
public sealed class TrampolinePrograms
{
    [Map] public static readonly ArrayMap<long> Seen = new(maxEntries: 2);

    [FEntry("do_unlinkat")]
    public static int Entry(int dfd, ulong name) { Seen.Add(0, dfd); return 0; }

    [FExit("do_unlinkat")]
    public static int Exit(int dfd, ulong name, int result) { Seen.Add(1, result); return 0; }

    [FModRet("security_file_open")]
    public static int ModRet(ulong file) => 0;

    [Lsm("file_open")]
    public static int Lsm(ulong file) => Bpf.GetAttachCookie() == 1 ? -1 : 0; // get_func_ip would be refused: LSM hooks have no function address

    [Lsm("file_open", Sleepable = true)]
    public static int SleepableLsm(ulong file)
    {
        Span<byte> bytes = stackalloc byte[8];
        return Bpf.CopyFromUser(bytes, file) < 0 ? -1 : 0;
    }
}
