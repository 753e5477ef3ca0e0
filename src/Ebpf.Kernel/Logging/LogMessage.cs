using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// The interpolated string of a <see cref="Log"/> call: C# builds it from the line's literal parts and values. Compiled, the
/// literal parts become the object's log site table (user space formats them) and only the values travel, packed into one
/// ring buffer record; a level below the minimum set before load skips it all. Managed, it builds a <see cref="LogEntry"/>.
/// Values are integers, bool, char, enums and byte spans as UTF-8 text (at most 64 bytes), with .NET format strings (<c>{port:x4}</c>); <c>{address:ipv4}</c> shows a uint
/// that holds an IPv4 address as the header does (network byte order) as 192.0.2.1.
/// </summary>
[InterpolatedStringHandler]
public ref struct LogMessage<TLevel> where TLevel : struct, ILogLevel
{
    private readonly StringBuilder? _template;
    private readonly StringBuilder? _message;
    private readonly List<KeyValuePair<string, object>>? _values;

    [Intrinsic(IntrinsicKind.Log)]
    public LogMessage(int literalLength, int formattedCount, out bool enabled)
    {
        enabled = TLevel.Level >= ManagedKernel.Current.MinimumLogLevel && TLevel.Level != BpfLogLevel.None;
        if (!enabled) return;
        _template = new StringBuilder(literalLength + 16 * formattedCount);
        _message = new StringBuilder(literalLength + 8 * formattedCount);
        _values = new List<KeyValuePair<string, object>>(formattedCount);
    }

    [Intrinsic(IntrinsicKind.Log)]
    public void AppendLiteral(string text)
    {
        _template?.Append(LogTemplate.Literal(text));
        _message?.Append(text);
    }

    [Intrinsic(IntrinsicKind.Log)]
    public void AppendFormatted<T>(T value, string? format = null, [CallerArgumentExpression(nameof(value))] string name = "") where T : unmanaged
    {
        if (_values is null) return;
        var key = LogTemplate.ValueName(name, _values.Count, _values.Select(v => v.Key).ToList());
        _template!.Append(LogTemplate.Hole(key, format));
        _message!.Append(format == LogTemplate.IPv4Format && value is uint address ? LogTemplate.FormatIPv4(address)
            : value is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : value.ToString());
        _values.Add(new(key, value));
    }

    /// <summary>Bytes as text (a command name from Bpf.GetCurrentComm, a path): UTF-8 up to the first NUL, as C strings end.</summary>
    [Intrinsic(IntrinsicKind.Log)]
    public void AppendFormatted(ReadOnlySpan<byte> utf8, string? format = null, [CallerArgumentExpression(nameof(utf8))] string name = "")
    {
        if (_values is null) return;
        var key = LogTemplate.ValueName(name, _values.Count, _values.Select(v => v.Key).ToList());
        var end = utf8.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(end < 0 ? utf8 : utf8[..end]);
        _template!.Append(LogTemplate.Hole(key, format));
        _message!.Append(text);
        _values.Add(new(key, text));
    }

    internal readonly LogEntry? Finish(string file, int line, string member) =>
        _values is null ? null : new LogEntry(TLevel.Level, _template!.ToString(), _message!.ToString(), _values, file, line, member);
}
