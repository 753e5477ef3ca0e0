using System.Text;

namespace Ebpf.Cli.Output;

/// <summary>
/// A plain-text table with left-aligned columns, for people; scripts use --json. On a terminal it fits the terminal's width
/// (see <see cref="Terminal.WidthFor"/>): the widest columns narrow and their cells wrap onto more lines; piped, lines stay whole.
/// </summary>
internal sealed class Table(params string[] headers)
{
    private const int Gap = 2;
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add(cells.Select(c => c?.ToString() ?? "").ToArray());

    public int Count => _rows.Count;

    public void Write(TextWriter writer) => Write(writer, Terminal.WidthFor(writer));

    /// <param name="writer">Where the table goes.</param>
    /// <param name="width">The line width to fit, or null for none.</param>
    public void Write(TextWriter writer, int? width)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        if (width is { } limit)
            Fit(widths, limit);
        foreach (var line in Lines(headers, widths))
            writer.WriteLine(line);
        foreach (var row in _rows)
            foreach (var line in Lines(row, widths))
                writer.WriteLine(line);
    }

    // Narrows the widest column, one character at a time, down to its header's width (at least 6), until the table fits.
    // A table that cannot fit that way keeps those widths and overflows: a cell cut any shorter would not be readable.
    private void Fit(int[] widths, int limit)
    {
        var minimum = headers.Select(h => Math.Max(h.Length, 6)).ToArray();
        while (widths.Sum() + Gap * (widths.Length - 1) > limit)
        {
            var narrowable = Enumerable.Range(0, widths.Length).Where(i => widths[i] > minimum[i]).ToList();
            if (narrowable.Count == 0)
                return;
            widths[narrowable.MaxBy(i => widths[i])]--;
        }
    }

    private static IEnumerable<string> Lines(string[] cells, int[] widths)
    {
        var wrapped = widths.Select((w, i) => Wrap(i < cells.Length ? cells[i] : "", w)).ToArray();
        var height = wrapped.Max(c => c.Count);
        for (var line = 0; line < height; line++)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < widths.Length; i++)
            {
                var part = line < wrapped[i].Count ? wrapped[i][line] : "";
                sb.Append(i == widths.Length - 1 ? part : part.PadRight(widths[i] + Gap));
            }
            yield return sb.ToString().TrimEnd();
        }
    }

    /// <summary>A cell in pieces of at most <paramref name="width"/>, broken after a space, comma or slash where there is one.</summary>
    private static List<string> Wrap(string cell, int width)
    {
        var parts = new List<string>();
        while (cell.Length > width)
        {
            var cut = cell.LastIndexOfAny([' ', ',', '/'], width - 1) + 1;
            if (cut <= 0)
                cut = width;
            parts.Add(cell[..cut].TrimEnd());
            cell = cell[cut..].TrimStart();
        }
        parts.Add(cell);
        return parts;
    }
}
