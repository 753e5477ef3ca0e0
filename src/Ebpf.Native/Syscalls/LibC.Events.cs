using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>The libc entry points of the event readers: epoll, eventfd, perf_event_open, ioctl, read/write, CPU affinity.</summary>
internal static unsafe partial class LibC
{
    /// <summary>__NR_perf_event_open for this process's architecture (libc has no wrapper for it).</summary>
    public static readonly long PerfEventOpenSyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.X86 => 336,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 241,
        Architecture.Arm => 364,
        Architecture.S390x => 331,
        Architecture.Ppc64le => 319,
        _ => -1,
    };

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall5(long number, void* a1, long a2, long a3, long a4, long a5);

    public static int PerfEventOpen(void* attr, int pid, int cpu, int groupFd, ulong flags) =>
        (int)Syscall5(PerfEventOpenSyscallNumber, attr, pid, cpu, groupFd, (long)flags);

    public const ulong PERF_FLAG_FD_CLOEXEC = 8;

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, void* ev);

    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, void* events, int maxEvents, int timeoutMs);

    public const int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;

    /// <summary>struct epoll_event is packed on x86-64 (12 bytes: data right after events) and naturally aligned elsewhere (16).</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 4 : 8;

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    // ioctl(2) is variadic; the request's argument travels like a fixed long on the supported 64-bit ABIs.
    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, long argument);

    /// <summary>_IO('$', 0) and _IO('$', 1); powerpc encodes "no data" as 1 in the top bits.</summary>
    public static readonly nuint PERF_EVENT_IOC_ENABLE = RuntimeInformation.ProcessArchitecture == Architecture.Ppc64le ? 0x20002400u : 0x2400u;
    public static readonly nuint PERF_EVENT_IOC_DISABLE = PERF_EVENT_IOC_ENABLE + 1;

    [LibraryImport(Lib, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport(Lib, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint size, ulong* mask);

    public const int PROT_NONE = 0;
}
