using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>
    /// BPF_BTF_LOAD. A refusal throws <see cref="BpfVerifierException"/> with the kernel's BTF log (fetched by loading
    /// again with a log when none was requested).
    /// </summary>
    public static BpfBtfFd BtfLoad(ReadOnlySpan<byte> btf, uint logLevel = 0, string? name = null)
    {
        if (btf.IsEmpty) throw new BpfException($"BTF{Quote(name)} is empty.");
        string who = $"BTF{Quote(name)}";
        byte[]? log = logLevel == 0 ? null : new byte[DefaultLogSize];
        uint level = logLevel;
        int firstErrno = 0;
        fixed (byte* data = btf)
        {
            while (true)
            {
                int r;
                uint trueSize;
                fixed (byte* logBuf = log)
                {
                    BtfLoadAttr attr = default;
                    attr.Btf = (ulong)data;
                    attr.BtfSize = (uint)btf.Length;
                    attr.BtfLogBuf = (ulong)logBuf;
                    attr.BtfLogSize = log is null ? 0 : (uint)log.Length;
                    attr.BtfLogLevel = log is null ? 0 : level;
                    r = Sys(BpfCommand.BtfLoad, &attr);
                    trueSize = attr.BtfLogTrueSize;
                }
                if (r >= 0) return new BpfBtfFd(r, name);

                int errno = -r;
                if (errno == SyscallErrno.ENOSPC && log is not null && log.Length < MaxLogSize)
                {
                    log = new byte[NextLogSize((uint)log.Length, trueSize)];
                    continue;
                }
                if (log is null && errno is SyscallErrno.EINVAL or SyscallErrno.EACCES or SyscallErrno.E2BIG)
                {
                    firstErrno = errno;
                    level = 1;
                    log = new byte[DefaultLogSize];
                    continue;
                }
                throw LoadFailure(BpfCommand.BtfLoad, errno, firstErrno, log, who, name,
                    static (_, _) => "The kernel refused the BTF; the end of its log says which type.");
            }
        }
    }
}
