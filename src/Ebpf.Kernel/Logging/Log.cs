using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// Logging from programs, written as .NET code logs: <c>Log.Information($"blocked {address} port {port}")</c>. In the kernel a
/// line is one record in the object's log ring buffer (map "ebpf_logs") holding the values only; the template, level, program,
/// file and line are in the object, and user space hands each record to an ILogger with its values as structured state
/// (<c>bpf.ForwardLogs(logger)</c>). Lines below the minimum level set before load cost nothing: the verifier removes them.
/// Managed, lines go to <see cref="ManagedKernel.Logs"/>, where tests read them.
/// </summary>
public static class Log
{
    [Intrinsic(IntrinsicKind.Log)]
    public static void Trace(ref LogMessage<LogLevels.Trace> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    [Intrinsic(IntrinsicKind.Log)]
    public static void Debug(ref LogMessage<LogLevels.Debug> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    [Intrinsic(IntrinsicKind.Log)]
    public static void Information(ref LogMessage<LogLevels.Information> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    [Intrinsic(IntrinsicKind.Log)]
    public static void Warning(ref LogMessage<LogLevels.Warning> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    [Intrinsic(IntrinsicKind.Log)]
    public static void Error(ref LogMessage<LogLevels.Error> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    [Intrinsic(IntrinsicKind.Log)]
    public static void Critical(ref LogMessage<LogLevels.Critical> message, [CallerLineNumber] int line = 0, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Write(message.Finish(file, line, member));

    private static void Write(LogEntry? entry)
    {
        if (entry is not null) ManagedKernel.Current.AddLog(entry);
    }
}
