using System.Collections;
using Microsoft.Extensions.Logging;

namespace Ebpf;

/// <summary>
/// A line a C# program logged in the kernel, decoded: the level, the message template and its values by name, the program and
/// the C# source line. As a list it is the structured state Microsoft.Extensions.Logging providers read: the template's values,
/// then the source (OpenTelemetry's code.* names and bpf.program), then "{OriginalFormat}".
/// </summary>
public sealed class BpfLogRecord : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _state;

    internal BpfLogRecord(uint siteId, string program, LogLevel level, string template, string message, KeyValuePair<string, object?>[] values,
        string file, int line, string member)
    {
        SiteId = siteId; Program = program; Level = level; Template = template; Message = message; Values = values;
        File = file; Line = line; Member = member;
        _state = [.. values, new("code.filepath", file), new("code.lineno", line), new("code.function", member), new("bpf.program", program),
            new("{OriginalFormat}", template)];
    }

    /// <summary>The log site's id in the object (the record's header).</summary>
    public uint SiteId { get; }
    /// <summary>The name of the program that wrote the line.</summary>
    public string Program { get; }
    /// <summary>The line's log level.</summary>
    public LogLevel Level { get; }
    /// <summary>"blocked {Address} port {Port:x}".</summary>
    public string Template { get; }
    /// <summary>The template with its values formatted (invariant culture), as the managed run formats it.</summary>
    public string Message { get; }
    /// <summary>The values by name, in template order: integers as their C# types, bool, char, enums by member name.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values { get; }
    /// <summary>The C# source file of the log call.</summary>
    public string File { get; }
    /// <summary>The line of the log call in <see cref="File"/>.</summary>
    public int Line { get; }
    /// <summary>The C# method that wrote the line.</summary>
    public string Member { get; }

    /// <summary>The number of structured-state entries: the values, then code.*, bpf.program and "{OriginalFormat}".</summary>
    public int Count => _state.Length;
    /// <summary>The structured-state entry at <paramref name="index"/>.</summary>
    public KeyValuePair<string, object?> this[int index] => _state[index];
    /// <summary>Enumerates the structured-state entries, as logging providers read them.</summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_state).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The formatted <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
