using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>Runs the tools the network labs drive (ip, tc, python3, nsenter).</summary>
public static class Command
{
    /// <summary>Runs <paramref name="file"/> and returns its output; a non-zero exit or a minute without finishing throws.</summary>
    public static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {error.Result}{output.Result}");
        return output.Result;
    }
}
