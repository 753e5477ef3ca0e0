using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Cli.Commands.Generate;

/// <summary>One field of a tracepoint record, as the kernel's format file lists it.</summary>
internal sealed record TracepointField(string CType, string Name, int Offset, int Size, bool Signed, int? ArrayLength, bool DataLoc)
{
    /// <summary>A <c>common_*</c> field of every record (type, flags, preempt count, pid).</summary>
    public bool Common => Name.StartsWith("common_", StringComparison.Ordinal);
    public bool IsPointer => CType.Contains('*');
}

/// <summary>
/// The record layout of a tracepoint, from /sys/kernel/tracing/events/CATEGORY/NAME/format: what a tracepoint program's
/// context points at. Lines read "field:TYPE NAME[N];  offset:O;  size:S;  signed:0|1;"; a <c>__data_loc</c> field holds
/// a 32-bit locator of variable-length data after the fixed part (offset from the record start in the low 16 bits,
/// length in the high 16).
/// </summary>
internal sealed partial record TracepointFormat(string Category, string Name, int Id, IReadOnlyList<TracepointField> Fields)
{
    public const string TracingRoot = "/sys/kernel/tracing";

    /// <summary>The size of the fixed part: the end of the last field.</summary>
    public int Size => Fields.Count == 0 ? 0 : Fields.Max(f => f.Offset + f.Size);

    /// <summary>Reads the running kernel's format of CATEGORY/NAME (tracefs, or debugfs's tracing directory where tracefs is not mounted).</summary>
    public static TracepointFormat Read(string categoryAndName, string? root = null)
    {
        var parts = categoryAndName.Split('/');
        if (parts is not [{ Length: > 0 } category, { Length: > 0 } name] || parts.Any(p => p.Contains("..", StringComparison.Ordinal)))
            throw new BpfException($"tracepoint '{categoryAndName}' is not CATEGORY/NAME, such as syscalls/sys_enter_openat (see {TracingRoot}/available_events)");
        var roots = root is not null ? [root] : new[] { TracingRoot, "/sys/kernel/debug/tracing" };
        foreach (var r in roots)
        {
            var path = Path.Combine(r, "events", category, name, "format");
            if (File.Exists(path))
                return Parse(category, name, File.ReadAllText(path), path);
        }
        if (!roots.Any(r => File.Exists(Path.Combine(r, "available_events"))))
            throw new BpfException($"tracefs is not mounted (no {TracingRoot}/available_events); mount it with 'mount -t tracefs tracefs {TracingRoot}' (as root)");
        throw new BpfException($"tracepoint {categoryAndName} does not exist in this kernel; list them with 'cat {TracingRoot}/available_events'");
    }

    [GeneratedRegex(@"^\s*field:(?<decl>[^;]+);\s*offset:(?<offset>\d+);\s*size:(?<size>\d+);\s*signed:(?<signed>\d);", RegexOptions.CultureInvariant)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^(?<type>.*?)\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(\[(?<length>\d*)\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Declaration();

    public static TracepointFormat Parse(string category, string name, string text, string source)
    {
        var fields = new List<TracepointField>();
        var id = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("ID:", StringComparison.Ordinal))
                id = int.Parse(line[3..].Trim(), CultureInfo.InvariantCulture);
            var match = FieldLine().Match(line);
            if (!match.Success) continue;
            var decl = match.Groups["decl"].Value.Trim();
            var dataLoc = decl.StartsWith("__data_loc ", StringComparison.Ordinal);
            if (dataLoc) decl = decl["__data_loc ".Length..];
            var parts = Declaration().Match(decl);
            if (!parts.Success)
                throw new BpfException($"{source}: cannot read the field declaration '{decl}'");
            var length = parts.Groups["length"];
            fields.Add(new TracepointField(
                parts.Groups["type"].Value.Trim(), parts.Groups["name"].Value,
                int.Parse(match.Groups["offset"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture),
                match.Groups["signed"].Value == "1",
                length.Success && !dataLoc ? (length.Value.Length == 0 ? 0 : int.Parse(length.Value, CultureInfo.InvariantCulture)) : null,
                dataLoc));
        }
        if (fields.Count == 0)
            throw new BpfException($"{source} lists no fields; is it a tracepoint format file?");
        return new TracepointFormat(category, name, id, fields);
    }
}
