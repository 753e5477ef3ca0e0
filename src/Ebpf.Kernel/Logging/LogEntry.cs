namespace Ebpf.Kernel;

/// <summary>
/// A record a program logged while running as plain .NET (<see cref="ManagedKernel.Logs"/>): what user space decodes from the
/// kernel's log buffer for the same line.
/// </summary>
/// <param name="Template">The message template, "blocked {Address} port {Port:x}".</param>
/// <param name="Message">The template with its values formatted (invariant culture).</param>
/// <param name="Values">The values by name, in template order.</param>
public sealed record LogEntry(BpfLogLevel Level, string Template, string Message, IReadOnlyList<KeyValuePair<string, object>> Values,
    string File, int Line, string Member);
