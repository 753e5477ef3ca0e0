namespace Ebpf.Cli.Output;

/// <summary>The width tables fit: only for output to the console, from COLUMNS when set, else the terminal's own width.</summary>
internal static class Terminal
{
    /// <summary>True when <paramref name="writer"/> is the console and the console is a terminal (a person watches it).</summary>
    public static bool IsInteractive(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>The width to fit, or null for none: a pipe, a file or a test's writer gets whole lines, as scripts expect.</summary>
    public static int? WidthFor(TextWriter writer)
    {
        if (!ReferenceEquals(writer, Console.Out))
            return null;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0)
            return columns;
        if (Console.IsOutputRedirected)
            return null;
        try
        {
            return Console.WindowWidth is > 0 and var width ? width : null;
        }
        catch (IOException)
        {
            return null; // no terminal after all
        }
    }
}
