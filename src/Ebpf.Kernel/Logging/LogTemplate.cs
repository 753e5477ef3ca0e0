namespace Ebpf.Kernel;

/// <summary>
/// How an interpolated log line becomes a message template ("blocked {Address} port {Port:x}"), one rule for the managed run
/// and for the compiler, so both give the same template for the same line.
/// </summary>
public static class LogTemplate
{
    /// <summary>Literal text, with braces doubled as message templates escape them.</summary>
    public static string Literal(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>A hole: "{Name}" or "{Name:format}".</summary>
    public static string Hole(string name, string? format) => string.IsNullOrEmpty(format) ? $"{{{name}}}" : $"{{{name}:{format}}}";

    /// <summary>
    /// The name of a value from the C# expression that produced it ([CallerArgumentExpression]): the last member of a dotted
    /// path (<c>skb.RemotePort</c> is "RemotePort", <c>port</c> is "port"); any other expression is "value" + its position.
    /// Names repeated in one line get a number.
    /// </summary>
    public static string ValueName(string expression, int position, IReadOnlyCollection<string> taken)
    {
        var text = expression.Trim();
        var last = text[(text.LastIndexOf('.') + 1)..];
        var name = IsIdentifier(last) && text.Split('.').All(IsIdentifier) ? last.TrimStart('@') : $"value{position}";
        if (!taken.Contains(name)) return name;
        for (var i = 2; ; i++)
            if (!taken.Contains(name + i)) return name + i;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] is '_' or '@') && s.Skip(1).All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>The format that shows a uint holding an IPv4 address in network byte order (as IPv4Header.Destination) as 192.0.2.1.</summary>
    public const string IPv4Format = "ipv4";

    public static string FormatIPv4(uint networkOrder) =>
        $"{networkOrder & 0xff}.{(networkOrder >> 8) & 0xff}.{(networkOrder >> 16) & 0xff}.{networkOrder >> 24}";
}
