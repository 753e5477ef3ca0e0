namespace Ebpf.Native;

/// <summary>
/// A bpf(2) call (or another system call of the native layer) failed. The message names the command, the object
/// (map, program or path) when known, the errno with its name, and a hint where one is known:
/// <c>BPF_MAP_CREATE for map 'traffic' failed: EINVAL (Invalid argument). ...</c>
/// </summary>
public class BpfSyscallException : BpfException
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="command">The bpf(2) command, or null for another system call.</param>
    /// <param name="operation">The command's or system call's name, as the message shows it.</param>
    /// <param name="errno">The errno the call returned.</param>
    /// <param name="objectDescription">What the call was about ("map 'traffic'"), or null.</param>
    /// <param name="objectName">The object's name alone, or null.</param>
    /// <param name="hint">What to do about it, when known.</param>
    /// <param name="detail">More text for the message (e.g. the end of a verifier log).</param>
    public BpfSyscallException(BpfCommand? command, string operation, int errno, string? objectDescription, string? objectName, string? hint, string? detail = null)
        : base(Format(operation, errno, objectDescription, hint, detail))
    {
        Command = command;
        Operation = operation;
        Errno = errno;
        ObjectName = objectName;
        Hint = hint;
    }

    /// <summary>The bpf(2) command, or null for another system call (mmap, open, fcntl).</summary>
    public BpfCommand? Command { get; }

    /// <summary>The kernel's spelling of the command ("BPF_PROG_LOAD") or the system call ("mmap").</summary>
    public string Operation { get; }

    /// <summary>The errno the call returned.</summary>
    public int Errno { get; }

    /// <summary>"EPERM", "ENOENT", ...</summary>
    public string ErrnoName => Native.SyscallErrno.Name(Errno);

    /// <summary>EOPNOTSUPP or ENOTSUPP: see <see cref="Native.SyscallErrno.IsNotSupported"/>.</summary>
    public bool IsNotSupported => Native.SyscallErrno.IsNotSupported(Errno);

    /// <summary>The map or program name, or the pin path, when the caller knew it.</summary>
    public string? ObjectName { get; }

    /// <summary>What to do about it, when known.</summary>
    public string? Hint { get; }

    private static string Format(string operation, int errno, string? objectDescription, string? hint, string? detail)
    {
        var text = $"{operation}{(objectDescription is null ? "" : " for " + objectDescription)} failed: " +
                   $"{Native.SyscallErrno.Name(errno)} ({Native.SyscallErrno.Description(errno)}).";
        if (hint is not null) text += " " + hint;
        if (detail is not null) text += Environment.NewLine + detail;
        return text;
    }
}

/// <summary>EPERM: missing privileges (CAP_BPF, CAP_SYS_ADMIN, ...), or a write to a frozen or read-only map.</summary>
public sealed class BpfPermissionException : BpfSyscallException
{
    /// <summary>Creates the exception for an EPERM from <paramref name="operation"/>.</summary>
    /// <param name="command">The bpf(2) command, or null for another system call.</param>
    /// <param name="operation">The command's or system call's name.</param>
    /// <param name="objectDescription">What the call was about, or null.</param>
    /// <param name="objectName">The object's name alone, or null.</param>
    /// <param name="hint">What to do about it, when known.</param>
    public BpfPermissionException(BpfCommand? command, string operation, string? objectDescription, string? objectName, string? hint)
        : base(command, operation, Native.SyscallErrno.EPERM, objectDescription, objectName, hint) { }
}

/// <summary>
/// The kernel's verifier refused a program (BPF_PROG_LOAD) or BTF (BPF_BTF_LOAD). <see cref="Log"/> holds the
/// whole log; the message carries its last lines, where the verifier says what it objected to.
/// </summary>
public sealed class BpfVerifierException : BpfSyscallException
{
    /// <summary>How many of the log's last lines the message carries.</summary>
    public const int MessageLogLines = 12;

    /// <summary>Creates the exception with the verifier's <paramref name="log"/>.</summary>
    /// <param name="command">BPF_PROG_LOAD or BPF_BTF_LOAD.</param>
    /// <param name="errno">The errno the load returned.</param>
    /// <param name="objectDescription">What was loaded ("program 'xdp_pass'"), or null.</param>
    /// <param name="objectName">The object's name alone, or null.</param>
    /// <param name="hint">What to do about it, when known.</param>
    /// <param name="log">The verifier's log.</param>
    /// <param name="truncated">Whether the log filled its buffer and was cut.</param>
    public BpfVerifierException(BpfCommand command, int errno, string? objectDescription, string? objectName, string? hint, string log, bool truncated)
        : base(command, command.KernelName(), errno, objectDescription, objectName, hint, LastLines(log, truncated))
    {
        Log = log;
        LogTruncated = truncated;
    }

    /// <summary>The verifier's full log.</summary>
    public string Log { get; }

    /// <summary>True when the log did not fit in the largest buffer tried (its start is missing).</summary>
    public bool LogTruncated { get; }

    private static string LastLines(string log, bool truncated)
    {
        var lines = log.TrimEnd('\0', '\n', ' ').Split('\n');
        int skip = Math.Max(0, lines.Length - MessageLogLines);
        var head = skip > 0 || truncated ? $"Verifier log (last {lines.Length - skip} of {lines.Length} lines{(truncated ? ", truncated" : "")}; full log in the Log property):" : "Verifier log:";
        return head + Environment.NewLine + string.Join(Environment.NewLine, lines.Skip(skip).Select(l => "  " + l));
    }
}
