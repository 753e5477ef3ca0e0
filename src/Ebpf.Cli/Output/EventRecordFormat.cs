using System.Text;

namespace Ebpf.Cli.Output;

/// <summary>
/// How <c>ebpf events</c> prints one record. Ring buffer and perf records carry no type information (the map has no
/// BTF for them), so the bytes are shown as they are, in memory order.
/// <list type="bullet">
/// <item>Text: <c>#SEQ LENGTH bytes: WORD WORD ...  |ASCII|</c>, the bytes as hex in groups of 8 (one 8-byte word
/// each, bytes in memory order, not as a little-endian number), then printable ASCII with '.' for the rest.</item>
/// <item>JSON (one object per line, NDJSON): <c>{"seq":0,"length":16,"data":"2a00..."}</c>, data as lowercase hex
/// without separators (two digits per byte, memory order): easy to compare and to decode with any tool.</item>
/// </list>
/// SEQ counts the records this command has read, from 0. A perf record's length is what the kernel delivers: the
/// program's output plus up to 7 bytes of padding the kernel adds.
/// </summary>
internal static class EventRecordFormat
{
    public static string Text(long seq, ReadOnlySpan<byte> record)
    {
        var sb = new StringBuilder(32 + record.Length * 3);
        sb.Append('#').Append(seq).Append(' ').Append(record.Length).Append(record.Length == 1 ? " byte" : " bytes");
        if (record.Length == 0)
            return sb.ToString();
        sb.Append(':');
        for (int i = 0; i < record.Length; i++)
        {
            if (i % 8 == 0) sb.Append(' ');
            AppendHex(sb, record[i]);
        }
        sb.Append("  |");
        foreach (byte b in record)
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        sb.Append('|');
        return sb.ToString();
    }

    public static string Json(long seq, ReadOnlySpan<byte> record)
    {
        var sb = new StringBuilder(48 + record.Length * 2);
        sb.Append("{\"seq\":").Append(seq).Append(",\"length\":").Append(record.Length).Append(",\"data\":\"");
        foreach (byte b in record)
            AppendHex(sb, b);
        sb.Append("\"}");
        return sb.ToString();
    }

    private static void AppendHex(StringBuilder sb, byte b)
    {
        const string digits = "0123456789abcdef";
        sb.Append(digits[b >> 4]).Append(digits[b & 0xf]);
    }
}
