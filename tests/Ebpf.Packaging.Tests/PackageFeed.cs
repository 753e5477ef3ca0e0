using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Ebpf.Packaging.Tests;

/// <summary>
/// The repository packed into a folder feed, once for the test class: <c>dotnet pack Ebpf.slnx</c> as CI or a maintainer
/// runs it (only the projects under src/ are packable), with its own artifacts directory, so neither the developer's
/// bin/obj nor a stale build is packed. Everything lives in one temporary directory, deleted at the end; NuGet's package
/// folder for the consumers is in it too, so packages of the same version from an earlier run are never reused.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        Root = Directory.CreateTempSubdirectory("ebpf-packaging-").FullName;
        Feed = Path.Combine(Root, "feed");
        PackageFolder = Path.Combine(Root, "nuget-packages");
        Pack = Dotnet.Run(RepositoryRoot, new Dictionary<string, string>(),
            "pack", Path.Combine(RepositoryRoot, "Ebpf.slnx"), "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"),
            "--disable-build-servers", "-nologo", "-tl:off", "-v:m");
        _consumer = new(BuildConsumer);
        _tool = new(InstallTool);
        _templates = new(InstallTemplates);
    }

    private readonly Lazy<CommandRun> _templates;
    private readonly Dictionary<string, (string Directory, CommandRun Test)> _fromTemplates = [];

    /// <summary>
    /// A project made by <c>dotnet new SHORTNAME -n NAME</c> from the installed template package, and what <c>dotnet test</c>
    /// (its build and its unit tests) did; once per template. The templates are installed into a hive of the test's own
    /// (<c>--debug:custom-hive</c>), never into the machine's template list.
    /// </summary>
    internal (string Directory, CommandRun Test) FromTemplate(string shortName, string name)
    {
        if (_fromTemplates.TryGetValue(shortName, out var done))
            return done;
        var install = _templates.Value;
        Assert.True(install.ExitCode == 0, install.ToString());
        var directory = Path.Combine(TemplatesRoot, name);
        var created = Dotnet.Run(TemplatesRoot, Environment, "new", shortName, "-n", name, "-o", directory, "--debug:custom-hive", TemplateHive);
        Assert.True(created.ExitCode == 0, created.ToString());
        var test = Dotnet.Run(directory, Environment, "test", "--disable-build-servers", "-nologo", "-tl:off", "-v:m");
        return _fromTemplates[shortName] = (directory, test);
    }

    private string TemplatesRoot => Path.Combine(Root, "templates");
    private string TemplateHive => Path.Combine(Root, "template-hive");

    // The projects made from templates sit in one folder with the consumer's NuGet.config and MSBuild stop files.
    private CommandRun InstallTemplates()
    {
        AssertPacked();
        ConsumerProject.Isolate(TemplatesRoot, Feed);
        return Dotnet.Run(Root, Environment, "new", "install", PackagePath("Ebpf.Templates"), "--debug:custom-hive", TemplateHive);
    }

    private readonly Lazy<(ConsumerProject Project, CommandRun Build)> _consumer;
    private readonly Lazy<(string Directory, CommandRun Install)> _tool;

    /// <summary>The fresh project, built once by the first test that needs it.</summary>
    internal (ConsumerProject Project, CommandRun Build) Consumer => _consumer.Value;

    /// <summary>The ebpf tool installed from the feed into a folder of its own, once.</summary>
    internal (string Directory, CommandRun Install) Tool => _tool.Value;

    private (ConsumerProject, CommandRun) BuildConsumer()
    {
        AssertPacked();
        var project = new ConsumerProject(this);
        return (project, Dotnet.Run(project.Directory, Environment, "build", "--disable-build-servers", "-nologo", "-tl:off", "-v:m"));
    }

    // As the README says to: `dotnet tool install ebpf --add-source FEED`, here into a tool path rather than the machine's
    // global tools. The config file clears every other source, so an `ebpf` package on nuget.org can never be installed
    // instead (a source mapping would do it too, but --add-source refuses to work beside one).
    private (string, CommandRun) InstallTool()
    {
        AssertPacked();
        var directory = Path.Combine(Root, "tools");
        var config = Path.Combine(Root, "tool.nuget.config");
        File.WriteAllText(config, "<configuration><packageSources><clear /></packageSources></configuration>");
        return (directory, Dotnet.Run(Root, Environment, "tool", "install", "ebpf", "--tool-path", directory, "--version", Version,
            "--add-source", Feed, "--configfile", config));
    }

    public string Root { get; }
    public string Feed { get; }

    /// <summary>NUGET_PACKAGES for every restore and tool install of the consumers.</summary>
    public string PackageFolder { get; }

    internal CommandRun Pack { get; }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackageFolder };

    /// <summary>The packages' one version, as the feed holds it.</summary>
    public string Version => Nuspec("Ebpf.Runtime").Root!.Elements().Single(e => e.Name.LocalName == "metadata")
        .Elements().Single(e => e.Name.LocalName == "version").Value;

    internal void AssertPacked() => Assert.True(Pack.ExitCode == 0, Pack.ToString());

    public string PackagePath(string id, string extension = ".nupkg")
    {
        var files = Directory.GetFiles(Feed, "*" + extension)
            .Where(f => IdOf(Path.GetFileName(f), extension).Equals(id, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(files.Count == 1, $"{id}{extension}: {files.Count} files in the feed ({string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))})");
        return files[0];
    }

    /// <summary>The package ids in the feed (from "Id.1.2.3.nupkg": the id is what precedes the first all-digit part).</summary>
    public IReadOnlyList<string> Ids(string extension = ".nupkg") =>
        Directory.GetFiles(Feed, "*" + extension).Select(f => IdOf(Path.GetFileName(f), extension)).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Entries(string id, string extension = ".nupkg")
    {
        using var zip = ZipFile.OpenRead(PackagePath(id, extension));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    public XDocument Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static string IdOf(string file, string extension)
    {
        var parts = file[..^extension.Length].Split('.');
        var firstNumber = Array.FindIndex(parts, p => p.Length > 0 && p.All(char.IsAsciiDigit));
        return string.Join('.', parts[..firstNumber]);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a file still open by a build node that outlived its build; the temp cleaner takes it
    }

    public static string RepositoryRoot { get; } = FindRoot();

    // From this source file: with --artifacts-path the test binary is outside the repository.
    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository with Ebpf.slnx above {sourceFile}");
    }
}
