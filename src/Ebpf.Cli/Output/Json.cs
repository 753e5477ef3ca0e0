using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ebpf.Cli.Output;

/// <summary>JSON for scripts: snake_case keys, enums as strings, indented.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>The value on one line, for streams of records (NDJSON).</summary>
    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Compact));

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    /// <summary>The value as a JSON node with the same keys, for output that adds members to a row.</summary>
    public static System.Text.Json.Nodes.JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!;
}
