using System.Text;
using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>Default first verifier log buffer.</summary>
    public const uint DefaultLogSize = 64 * 1024;

    /// <summary>Largest verifier log buffer tried before a truncated log is reported as such.</summary>
    public const uint MaxLogSize = 16 * 1024 * 1024;

    private const uint MinLogSize = 128; // the kernel refuses smaller log buffers with EINVAL

    /// <summary>BPF_PROG_LOAD. A refusal throws <see cref="BpfVerifierException"/> with the verifier's log.</summary>
    public static BpfProgramFd ProgLoad(in ProgLoadRequest request) => ProgLoad(request, out _);

    /// <summary>BPF_PROG_LOAD, returning the verifier log when <see cref="ProgLoadRequest.LogLevel"/> asked for one.</summary>
    public static BpfProgramFd ProgLoad(in ProgLoadRequest request, out string? verifierLog)
    {
        if (request.Instructions.Length == 0 || request.Instructions.Length % 8 != 0)
            throw new BpfException($"Program{Quote(request.Name)}: the instructions are {request.Instructions.Length} bytes, which is not a non-zero multiple of 8.");
        if (request.FuncInfo.Length > 0 && (request.FuncInfoRecordSize == 0 || request.FuncInfo.Length % request.FuncInfoRecordSize != 0))
            throw new BpfException($"Program{Quote(request.Name)}: func_info of {request.FuncInfo.Length} bytes is not a multiple of its record size {request.FuncInfoRecordSize}.");
        if (request.LineInfo.Length > 0 && (request.LineInfoRecordSize == 0 || request.LineInfo.Length % request.LineInfoRecordSize != 0))
            throw new BpfException($"Program{Quote(request.Name)}: line_info of {request.LineInfo.Length} bytes is not a multiple of its record size {request.LineInfoRecordSize}.");

        string who = $"program{Quote(request.Name)}";
        byte[] license = CString(request.License ?? "");
        uint level = request.LogLevel;
        uint logSize = level == 0 ? 0 : Math.Clamp(request.LogSize == 0 ? DefaultLogSize : request.LogSize, MinLogSize, MaxLogSize);
        byte[]? log = level == 0 ? null : new byte[logSize];
        int eagain = 0;
        int firstErrno = 0;

        using var btf = new FdLease(request.Btf);
        using var target = new FdLease(request.AttachTarget);
        while (true)
        {
            int r;
            uint trueSize;
            fixed (byte* insns = request.Instructions)
            fixed (byte* lic = license)
            fixed (byte* fi = request.FuncInfo)
            fixed (byte* li = request.LineInfo)
            fixed (int* fds = request.FdArray)
            fixed (byte* logBuf = log)
            {
                ProgLoadAttr attr = default;
                attr.ProgType = (uint)request.Type;
                attr.InsnCnt = (uint)(request.Instructions.Length / 8);
                attr.Insns = (ulong)insns;
                attr.License = (ulong)lic;
                attr.LogLevel = log is null ? 0 : level;
                attr.LogSize = log is null ? 0 : (uint)log.Length;
                attr.LogBuf = (ulong)logBuf;
                attr.KernVersion = request.KernelVersion;
                attr.ProgFlags = (uint)request.Flags;
                BpfObjectName.CopyTo(request.Name, attr.ProgName);
                attr.ProgIfindex = request.Ifindex;
                attr.ExpectedAttachType = request.ExpectedAttachType is { } eat ? (uint)eat : 0;
                attr.ProgBtfFd = (uint)btf.Fd;
                if (request.FuncInfo.Length > 0)
                {
                    attr.FuncInfoRecSize = request.FuncInfoRecordSize;
                    attr.FuncInfo = (ulong)fi;
                    attr.FuncInfoCnt = (uint)request.FuncInfo.Length / request.FuncInfoRecordSize;
                }
                if (request.LineInfo.Length > 0)
                {
                    attr.LineInfoRecSize = request.LineInfoRecordSize;
                    attr.LineInfo = (ulong)li;
                    attr.LineInfoCnt = (uint)request.LineInfo.Length / request.LineInfoRecordSize;
                }
                attr.AttachBtfId = request.AttachBtfId;
                attr.AttachProgFd = (uint)target.Fd;
                attr.FdArray = request.FdArray.IsEmpty ? 0 : (ulong)fds;
                r = Sys(BpfCommand.ProgLoad, &attr);
                trueSize = attr.LogTrueSize;
            }

            if (r >= 0)
            {
                verifierLog = log is null || request.LogLevel == 0 ? null : DecodeLog(log);
                return new BpfProgramFd(r, request.Name, request.Type);
            }

            int errno = -r;
            if (errno == SyscallErrno.EAGAIN && ++eagain < 5) continue; // the kernel asks for a retry on transient memory pressure
            if (errno == SyscallErrno.ENOSPC && log is not null && log.Length < MaxLogSize)
            {
                log = new byte[NextLogSize((uint)log.Length, trueSize)];
                continue;
            }
            if (log is null && !request.NoLogOnFailure && errno is SyscallErrno.EACCES or SyscallErrno.EINVAL)
            {
                // Refused without a log: load again with one, only to explain the refusal.
                firstErrno = errno;
                level = 1;
                log = new byte[DefaultLogSize];
                continue;
            }

            throw LoadFailure(BpfCommand.ProgLoad, errno, firstErrno, log, who, request.Name, VerifierHint);
        }
    }

    private static string VerifierHint(int errno, bool truncated) => truncated
        ? $"The verifier log did not fit in {MaxLogSize / (1024 * 1024)} MiB; its end is shown."
        : errno switch
        {
            SyscallErrno.EACCES or SyscallErrno.EINVAL => "The verifier refused the program; the end of its log says why.",
            SyscallErrno.E2BIG => "The program is too large or too complex for the verifier.",
            _ => BpfErrors.Hint(BpfCommand.ProgLoad, errno) ?? "",
        };

    /// <summary>
    /// The exception for a refused PROG_LOAD or BTF_LOAD: with the kernel's log when there is one. A log that ran out of
    /// room ends in ENOSPC, so the refusal's own errno (from the first, log-less attempt) is reported instead.
    /// </summary>
    private static BpfSyscallException LoadFailure(BpfCommand command, int errno, int firstErrno, byte[]? log, string who, string? name,
        Func<int, bool, string> hint)
    {
        if (log is not null)
        {
            string text = DecodeLog(log);
            bool truncated = errno == SyscallErrno.ENOSPC;
            if (truncated && firstErrno != 0) errno = firstErrno;
            if (text.Length > 0)
                return new BpfVerifierException(command, errno, who, name, hint(errno, truncated), text, truncated);
        }
        return BpfErrors.FromErrno(command, errno, who, name);
    }

    // Kernels since 6.4 report the size that fits the whole log; older ones need doubling.
    private static uint NextLogSize(uint current, uint trueSize) =>
        Math.Min(MaxLogSize, Math.Max(trueSize > current ? trueSize : 0, current * 2));

    private static string DecodeLog(byte[] log)
    {
        int nul = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, nul < 0 ? log.Length : nul);
    }

    /// <summary>BPF_PROG_TEST_RUN: runs the program on the given packet and/or context.</summary>
    public static BpfProgTestRunResult ProgTestRun(BpfProgramFd program, in TestRunRequest request)
    {
        using var lease = new FdLease(program);
        fixed (byte* di = request.DataIn)
        fixed (byte* dout = request.DataOut)
        fixed (byte* ci = request.ContextIn)
        fixed (byte* cout = request.ContextOut)
        {
            TestRunAttr attr = default;
            attr.ProgFd = (uint)lease.Fd;
            attr.DataSizeIn = (uint)request.DataIn.Length;
            attr.DataIn = request.DataIn.IsEmpty ? 0 : (ulong)di;
            attr.DataSizeOut = (uint)request.DataOut.Length;
            attr.DataOut = request.DataOut.IsEmpty ? 0 : (ulong)dout;
            attr.CtxSizeIn = (uint)request.ContextIn.Length;
            attr.CtxIn = request.ContextIn.IsEmpty ? 0 : (ulong)ci;
            attr.CtxSizeOut = (uint)request.ContextOut.Length;
            attr.CtxOut = request.ContextOut.IsEmpty ? 0 : (ulong)cout;
            attr.Repeat = request.Repeat;
            attr.Flags = (uint)request.Flags;
            attr.Cpu = request.Cpu;
            attr.BatchSize = request.BatchSize;
            int r = Sys(BpfCommand.ProgTestRun, &attr);
            if (r < 0)
            {
                string who = program.Describe();
                if (-r == SyscallErrno.ENOSPC) who += $" (output {attr.DataSizeOut} bytes, buffer {request.DataOut.Length})";
                throw BpfErrors.FromErrno(BpfCommand.ProgTestRun, -r, who, program.Name);
            }
            return new BpfProgTestRunResult(attr.Retval, attr.Duration, (int)attr.DataSizeOut, (int)attr.CtxSizeOut);
        }
    }

    /// <summary>BPF_PROG_TEST_RUN on a packet, the common case.</summary>
    public static BpfProgTestRunResult ProgTestRun(BpfProgramFd program, ReadOnlySpan<byte> data, Span<byte> dataOut = default, uint repeat = 1)
    {
        var request = new TestRunRequest { DataIn = data, DataOut = dataOut, Repeat = repeat };
        return ProgTestRun(program, request);
    }
}
