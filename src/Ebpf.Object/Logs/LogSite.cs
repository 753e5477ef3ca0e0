namespace Ebpf.Object.Logs;

/// <summary>How a logged value's bytes read: the C# type it had.</summary>
public enum LogValueKind
{
    Unsigned,
    Signed,
    Boolean,
    Char,
    /// <summary>An enum: <see cref="LogValue.Signed"/> and <see cref="LogValue.Members"/> say how to name it.</summary>
    Enum,
    /// <summary>Bytes of a span, shown as UTF-8 text up to the first NUL.</summary>
    Text,
}

/// <summary>One value of a log line: where its bytes sit in the record and how to read and format them.</summary>
public sealed record LogValue
{
    /// <summary>The name in the template ("{Port}").</summary>
    public required string Name { get; init; }
    public required LogValueKind Kind { get; init; }
    /// <summary>Byte offset in the record, header included.</summary>
    public required int Offset { get; init; }
    /// <summary>1, 2, 4 or 8; for text, the span's length.</summary>
    public required int Size { get; init; }
    /// <summary>The .NET format string given in the hole ("x", "D5"), or null.</summary>
    public string? Format { get; init; }
    /// <summary>The C# type's name, for tools (UInt16, IpProtocol).</summary>
    public required string Type { get; init; }
    /// <summary>For enums: whether the underlying type is signed.</summary>
    public bool Signed { get; init; }
    /// <summary>For enums: whether it is a [Flags] enum (names joined with ", " as Enum.ToString does).</summary>
    public bool Flags { get; init; }
    /// <summary>For enums: member values (as 64-bit two's complement) to names, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<long, string>>? Members { get; init; }
}

/// <summary>
/// One <c>Log.X($"...")</c> line of a program: the record it sends (an 8-byte header with <see cref="Id"/>, then the values)
/// and everything that is not sent: level, template, program, source file and line.
/// </summary>
public sealed record LogSite
{
    /// <summary>The id in the record's first 4 bytes; unique in the object.</summary>
    public required uint Id { get; init; }
    /// <summary>The program (function) whose code holds the line.</summary>
    public required string Program { get; init; }
    /// <summary>Microsoft.Extensions.Logging's LogLevel numbering: 0 Trace ... 5 Critical.</summary>
    public required int Level { get; init; }
    /// <summary>The message template, "blocked {Address} port {Port:x}".</summary>
    public required string Template { get; init; }
    public required IReadOnlyList<LogValue> Values { get; init; }
    /// <summary>Bytes the record takes, header included.</summary>
    public required int Size { get; init; }
    public string File { get; init; } = "";
    public int Line { get; init; }
    /// <summary>The C# method that wrote the line (the program, or a method it calls).</summary>
    public string Member { get; init; } = "";
}
