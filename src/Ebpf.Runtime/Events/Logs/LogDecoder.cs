using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ebpf.Object.Logs;
using Microsoft.Extensions.Logging;

namespace Ebpf;

/// <summary>Turns log records (site id, then values) back into lines, with each site's template made into a composite format once.</summary>
internal sealed class LogDecoder(LogSiteTable table, string mapName)
{
    private sealed record Site(LogSite Spec, CompositeFormat Format);

    private readonly Dictionary<uint, Site> _sites = table.Sites.ToDictionary(s => s.Id, s => new Site(s, CompositeFormat.Parse(ToComposite(s.Template))));

    /// <summary>The level of a record, without decoding its values; null when its site is unknown.</summary>
    public LogLevel? LevelOf(ReadOnlySpan<byte> record) =>
        record.Length >= 4 && _sites.TryGetValue(BinaryPrimitives.ReadUInt32LittleEndian(record), out var site) ? (LogLevel)site.Spec.Level : null;

    public BpfLogRecord Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length < LogSiteTable.HeaderSize)
            throw new BpfException($"map '{mapName}': a {record.Length}-byte log record is shorter than its {LogSiteTable.HeaderSize}-byte header; the map holds something other than this object's log lines");
        var id = BinaryPrimitives.ReadUInt32LittleEndian(record);
        if (!_sites.TryGetValue(id, out var site))
            throw new BpfException($"map '{mapName}': log record of site {id}, which the object's .ebpf.logs does not list; the records come from another object (a shared or pinned map?)");
        var spec = site.Spec;
        if (record.Length < spec.Size)
            throw new BpfException($"map '{mapName}': the record of log site {id} ({spec.Program}, line {spec.Line}) is {record.Length} bytes, but the site's values take {spec.Size}");
        var values = new KeyValuePair<string, object?>[spec.Values.Count];
        var arguments = new object?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = spec.Values[i];
            if (v.Kind == LogValueKind.Text)
            {
                var bytes = record.Slice(v.Offset, v.Size);
                var end = bytes.IndexOf((byte)0);
                arguments[i] = Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
                values[i] = new(v.Name, arguments[i]);
                continue;
            }
            var raw = ReadRaw(record.Slice(v.Offset, v.Size), v.Kind == LogValueKind.Signed || v.Kind == LogValueKind.Enum && v.Signed);
            var value = Value(v, raw);
            values[i] = new(v.Name, value);
            arguments[i] = v.Format == IPv4Format && value is uint address ? new System.Net.IPAddress(address).ToString()
                : v.Kind == LogValueKind.Enum && !IsNamedFormat(v.Format) ? Value(v with { Kind = v.Signed ? LogValueKind.Signed : LogValueKind.Unsigned }, raw)
                : value;
        }
        var message = string.Format(CultureInfo.InvariantCulture, site.Format, arguments);
        return new BpfLogRecord(id, spec.Program, (LogLevel)spec.Level, spec.Template, message, values, spec.File, spec.Line, spec.Member);
    }

    private static long ReadRaw(ReadOnlySpan<byte> bytes, bool signed) => bytes.Length switch
    {
        1 => signed ? (sbyte)bytes[0] : bytes[0],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };

    /// <summary>The value as the C# type it had: integers of their own type, bool, char; an enum as its member name(s). (Text is read apart.)</summary>
    private static object Value(LogValue v, long raw) => v.Kind switch
    {
        LogValueKind.Boolean => raw != 0,
        LogValueKind.Char => (char)raw,
        LogValueKind.Enum => EnumName(v, raw),
        _ => v.Type switch
        {
            "Byte" => (byte)raw, "SByte" => (sbyte)raw, "Int16" => (short)raw, "UInt16" => (ushort)raw,
            "Int32" => (int)raw, "UInt32" => (uint)raw, "UInt64" => (ulong)raw, "IntPtr" => (nint)raw, "UIntPtr" => (nuint)(ulong)raw,
            _ => raw,
        },
    };

    /// <summary>As Enum.ToString: the member's name, for [Flags] the names of its bits joined with ", ", else the number.</summary>
    private static string EnumName(LogValue v, long raw)
    {
        var members = v.Members ?? [];
        foreach (var (value, name) in members)
            if (value == raw) return name;
        if (v.Flags && raw != 0)
        {
            var names = new List<string>();
            var rest = raw;
            foreach (var (value, name) in members.OrderByDescending(m => (ulong)m.Key))
                if (value != 0 && (rest & value) == value) { names.Insert(0, name); rest &= ~value; }
            if (rest == 0) return string.Join(", ", names);
        }
        return v.Signed ? raw.ToString(CultureInfo.InvariantCulture) : ((ulong)raw & (v.Size == 8 ? ulong.MaxValue : (1UL << (8 * v.Size)) - 1)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The kernel-side library's format for a uint IPv4 address in network byte order.</summary>
    private const string IPv4Format = "ipv4";

    private static bool IsNamedFormat(string? format) => string.IsNullOrEmpty(format) || format is "G" or "g" or "F" or "f";

    /// <summary>"blocked {Address} port {Port:x}" to "blocked {0} port {1:x}"; doubled braces stay as they are.</summary>
    internal static string ToComposite(string template)
    {
        var result = new StringBuilder(template.Length);
        var hole = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                result.Append(c, 2);
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i);
                var colon = template.IndexOf(':', i, end - i);
                var format = colon < 0 ? "" : template[colon..end];
                result.Append('{').Append(hole++).Append(format == ":" + IPv4Format ? "" : format).Append('}'); // formatted before
                i = end;
            }
            else
                result.Append(c);
        }
        return result.ToString();
    }
}
