using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ebpf.Object.Logs;

/// <summary>
/// The log sites of an object, in its <c>.ebpf.logs</c> section as UTF-8 JSON. The section is not allocated (no SHF_ALLOC), so
/// libbpf and bpftool skip it and the kernel never sees it; this library's user side reads it to decode log records.
/// </summary>
public sealed class LogSiteTable
{
    /// <summary>The section that holds the table.</summary>
    public const string SectionName = ".ebpf.logs";

    /// <summary>The ring buffer map records travel in.</summary>
    public const string MapName = "ebpf_logs";

    /// <summary>The .rodata variable with the minimum level (u32, LogLevel numbering), set before load; the verifier prunes lines below it.</summary>
    public const string LevelVariable = "ebpf_log_level";

    /// <summary>The .bss variable (u64) that counts lines the full ring buffer refused.</summary>
    public const string LostVariable = "ebpf_logs_lost";

    /// <summary>Bytes before the values: the site id (u32) and 4 reserved bytes, so 8-byte values stay aligned.</summary>
    public const int HeaderSize = 8;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = { new JsonStringEnumConverter() } };

    private readonly Dictionary<uint, LogSite> _byId;

    public LogSiteTable(IEnumerable<LogSite> sites)
    {
        Sites = sites.OrderBy(s => s.Id).ToList();
        _byId = new Dictionary<uint, LogSite>(Sites.Count);
        foreach (var site in Sites)
            if (!_byId.TryAdd(site.Id, site))
                throw new InvalidObjectException($"{SectionName}: log site id {site.Id} is used twice");
    }

    public IReadOnlyList<LogSite> Sites { get; }

    public bool TryGet(uint id, out LogSite site) => _byId.TryGetValue(id, out site!);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(Sites, Json);

    public static LogSiteTable Parse(ReadOnlySpan<byte> bytes, string source)
    {
        try
        {
            var sites = JsonSerializer.Deserialize<List<LogSite>>(bytes, Json) ?? [];
            foreach (var s in sites)
                foreach (var v in s.Values)
                    if (v.Offset < HeaderSize || (v.Kind == LogValueKind.Text ? v.Size < 1 : v.Size is not (1 or 2 or 4 or 8)) || v.Offset + v.Size > s.Size)
                        throw new InvalidObjectException($"{source}: {SectionName}: value '{v.Name}' of log site {s.Id} lies outside its {s.Size}-byte record");
            return new LogSiteTable(sites);
        }
        catch (JsonException e)
        {
            throw new InvalidObjectException($"{source}: {SectionName} is not a log site table ({e.Message}); the object was not written by this compiler, or is damaged");
        }
    }
}
