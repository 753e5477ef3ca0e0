using System.Diagnostics;

namespace Ebpf.Packaging.Tests;

/// <summary>What one command did.</summary>
internal sealed record CommandRun(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"{Command}\nexit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s:\n{Output}";
}

/// <summary>
/// Runs dotnet (and the programs it builds) as a user's shell would: none of the test host's MSBuild environment (dotnet test
/// runs under it), no build servers left behind, NuGet's package folder chosen by the caller.
/// </summary>
internal static class Dotnet
{
    public static string Host { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static CommandRun Run(string directory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(Host, directory, environment, args);

    public static CommandRun Start(string program, string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CommandRun($"{program} {string.Join(' ', args)}", process.ExitCode, stdout + stderr.Result, clock.Elapsed);
    }
}
