namespace Ebpf.Cli.Commands;

/// <summary>Runs a command body: library errors become one line on stderr and exit code 1, never a stack trace.</summary>
internal static class CommandRunner
{
    public static int Run(TextWriter stderr, Action body) => Run(stderr, () =>
    {
        body();
        return 0;
    });

    /// <summary>A body that chooses its exit code (1 for a finding, as a lint does), with the same error handling.</summary>
    public static int Run(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Compiler.CompilerException e) when (e.Location is not null)
        {
            stderr.WriteLine(e.Message); // already in the C# compiler's shape: file(line,col): error CODE: message
            return 1;
        }
        catch (BpfException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // A bug of ours: still no stack trace for the user, but say it is not their mistake.
            stderr.WriteLine($"internal error ({e.GetType().Name}): {e.Message}. Please report it with the input that caused it.");
            return 1;
        }
    }
}
