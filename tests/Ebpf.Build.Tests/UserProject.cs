using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Ebpf.Build.Tests;

/// <summary>What one <c>dotnet build</c> of a user project did.</summary>
internal sealed record BuildRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Embedded => Output.Contains("embedded ", StringComparison.Ordinal);
    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s:\n{Output}";
}

/// <summary>
/// A user's project in a temporary directory, as a user writes it: a project reference to src/Ebpf.Kernel by absolute path
/// and an Import of src/Ebpf.Build/build/Ebpf.Build.targets. Every project of a test run shares one artifacts directory,
/// so the kernel-side library is built once; the builds of one run are serial (one test class).
/// </summary>
internal sealed class UserProject
{
    private bool _restored;

    public UserProject(string root, string name, IReadOnlyDictionary<string, string> sources)
    {
        Name = name;
        Directory = Path.Combine(root, name);
        Artifacts = Path.Combine(root, "artifacts");
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(RepositoryRoot, "src", "Ebpf.Kernel", "Ebpf.Kernel.csproj")}" />
              </ItemGroup>
              <Import Project="{Path.Combine(RepositoryRoot, "src", "Ebpf.Build", "build", "Ebpf.Build.targets")}" />
            </Project>
            """);
        foreach (var (file, text) in sources)
            File.WriteAllText(Path.Combine(Directory, file), text);
    }

    public string Name { get; }
    public string Directory { get; }
    public string Artifacts { get; }

    /// <summary>Where the C# compiler writes the assembly and the build integration rewrites it.</summary>
    public string IntermediateAssembly => Path.Combine(Artifacts, "obj", Name, "debug", Name + ".dll");

    /// <summary>The assembly as the build delivers it.</summary>
    public string OutputAssembly => Path.Combine(Artifacts, "bin", Name, "debug", Name + ".dll");

    public string Source(string file) => Path.Combine(Directory, file);

    /// <summary>
    /// <c>dotnet build</c> with normal verbosity (target skips are logged). The ebpf tool is the one built beside these tests;
    /// build servers are off, so no compiler server or MSBuild node outlives the test.
    /// </summary>
    public BuildRun Build(params string[] extra) => BuildWith(EbpfTool, extra);

    public BuildRun BuildWith(string tool, params string[] extra)
    {
        var args = new List<string>
        {
            "build", Path.Combine(Directory, Name + ".csproj"), "--artifacts-path", Artifacts, "--disable-build-servers",
            "-nologo", "-tl:off", "-v:n", "-clp:PerformanceSummary", $"-p:EbpfToolPath={tool}",
        };
        if (_restored)
            args.Add("--no-restore");
        args.AddRange(extra);
        _restored = true; // restored by the first build, whatever its outcome: a failed restore fails every later build too
        return Dotnet(args);
    }

    private static BuildRun Dotnet(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        // The test host may run under MSBuild's environment (dotnet test); a nested build must choose its own SDK and nodes.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new BuildRun(process.ExitCode, stdout + stderr.Result, clock.Elapsed);
    }

    /// <summary>ebpf.dll, copied beside the tests by their project reference to the CLI.</summary>
    public static string EbpfTool { get; } = Path.Combine(AppContext.BaseDirectory, "ebpf.dll");

    public static string RepositoryRoot { get; } = FindRoot();

    // From this source file: builds with --artifacts-path put the test binary outside the repository.
    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "src", "Ebpf.Build", "build", "Ebpf.Build.targets")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository with src/Ebpf.Build/build/Ebpf.Build.targets above {sourceFile}");
    }
}
