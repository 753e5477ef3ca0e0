using System.Runtime.InteropServices;

namespace Ebpf.Native;

/// <summary>
/// The few libc entry points the native layer needs, through source-generated P/Invoke (no runtime marshalling
/// stubs, no libbpf). errno is read with <see cref="Marshal.GetLastPInvokeError"/> right after each call.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc"; // the runtime maps "libc" to the C library's real file name on Linux

    /// <summary>__NR_bpf for this process's architecture (the generic table is used by arm64, riscv64, loongarch64).</summary>
    public static readonly long BpfSyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.X86 => 357,
        Architecture.Arm64 => 280,
        Architecture.Arm => 386,
        Architecture.RiscV64 => 280,
        Architecture.LoongArch64 => 280,
        Architecture.S390x => 351,
        Architecture.Ppc64le => 361,
        _ => -1,
    };

    // syscall(2) is variadic; on the supported 64-bit ABIs integer variadic arguments travel exactly like fixed ones.
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long cmd, void* attr, long size);

    public static long Bpf(int cmd, void* attr, uint size) => Syscall(BpfSyscallNumber, cmd, attr, size);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, long arg);

    private const int F_DUPFD_CLOEXEC = 1030;

    public static int DuplicateFd(int fd) => Fcntl(fd, F_DUPFD_CLOEXEC, 0);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    public const int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint addr, nuint length);

    public const int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    public static readonly nint MapFailed = -1;
}
