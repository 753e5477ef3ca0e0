namespace Ebpf.Kernel;

/// <summary>
/// The level of a record a program logs with <see cref="Log"/>. The numbers are Microsoft.Extensions.Logging's LogLevel's, so
/// user space hands records to an ILogger as they are; the name differs so a project using both needs no alias.
/// </summary>
public enum BpfLogLevel
{
    Trace = 0,
    Debug = 1,
    Information = 2,
    Warning = 3,
    Error = 4,
    Critical = 5,
    /// <summary>As a minimum level: nothing is logged.</summary>
    None = 6,
}

/// <summary>A level as a type, so each <see cref="Log"/> method's message knows its level before any value is written.</summary>
public interface ILogLevel
{
    static abstract BpfLogLevel Level { get; }
}

/// <summary>The level types of <see cref="LogMessage{TLevel}"/>; programs never name them, <see cref="Log"/>'s methods do.</summary>
public static class LogLevels
{
    public readonly struct Trace : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Trace; }
    public readonly struct Debug : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Debug; }
    public readonly struct Information : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Information; }
    public readonly struct Warning : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Warning; }
    public readonly struct Error : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Error; }
    public readonly struct Critical : ILogLevel { public static BpfLogLevel Level => BpfLogLevel.Critical; }
}
