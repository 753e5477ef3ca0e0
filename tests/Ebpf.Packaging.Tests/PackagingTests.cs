using System.Xml.Linq;
using Ebpf.Tests;

namespace Ebpf.Packaging.Tests;

/// <summary>
/// The packages used only as packages: what they hold, a fresh project built and run against them, and the ebpf tool
/// installed from the feed. The feed is packed once for the collection; the project is built and the tool installed once,
/// by the first test that needs them.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class PackagingTests(PackageFeed feed)
{
    private static readonly string[] Packages =
        ["Ebpf.Asm", "Ebpf.Build", "Ebpf.Compiler", "Ebpf.Core", "Ebpf.Hosting", "Ebpf.Kernel", "Ebpf.Metrics", "Ebpf.Native", "Ebpf.Object", "Ebpf.Runtime", "Ebpf.Templates", "ebpf"];

    // Every package but the templates (which compile nothing) has a symbols package.
    private static readonly string[] WithSymbols = Packages.Where(p => p != "Ebpf.Templates").ToArray();

    [Fact]
    public void The_feed_holds_the_src_packages_each_with_symbols_and_nothing_else()
    {
        feed.AssertPacked();
        Assert.Equal(Packages.Order(StringComparer.Ordinal), feed.Ids());
        Assert.Equal(WithSymbols.Order(StringComparer.Ordinal), feed.Ids(".snupkg"));
    }

    [Fact]
    public void Every_package_has_the_metadata_users_look_for()
    {
        feed.AssertPacked();
        foreach (var id in Packages)
        {
            var metadata = Metadata(id);
            Assert.True(Value(metadata, "description").Length > 40, $"{id}: description '{Value(metadata, "description")}'");
            Assert.Equal("MIT", Value(metadata, "license"));
            Assert.Equal("README.md", Value(metadata, "readme"));
            Assert.Equal(feed.Version, Value(metadata, "version"));
            Assert.Contains("README.md", feed.Entries(id));
            // The symbols package carries the PDBs (sources embedded in them); XML docs sit beside each library assembly.
            var assemblies = feed.Entries(id).Where(e => e.StartsWith("lib/net10.0/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)).ToList();
            if (WithSymbols.Contains(id))
                foreach (var dll in assemblies)
                    Assert.Contains(Path.ChangeExtension(dll, ".pdb"), feed.Entries(id, ".snupkg"));
        }
    }

    [Fact]
    public void The_runtime_package_brings_the_user_side_without_the_compiler()
    {
        feed.AssertPacked();
        Assert.Contains("lib/net10.0/Ebpf.Runtime.dll", feed.Entries("Ebpf.Runtime"));
        var dependencies = Dependencies("Ebpf.Runtime");
        Assert.Contains("Ebpf.Object", dependencies);
        Assert.Contains("Ebpf.Native", dependencies);
        Assert.DoesNotContain("Ebpf.Compiler", dependencies);
        Assert.DoesNotContain("Ebpf.Kernel", dependencies);
        Assert.DoesNotContain("Ebpf.Build", dependencies);
    }

    [Fact]
    public void The_kernel_package_carries_its_build_targets_and_the_compiler_outside_lib()
    {
        feed.AssertPacked();
        var entries = feed.Entries("Ebpf.Kernel");
        // lib/ is the kernel-side library alone (and its XML docs): what an app compiles against and ships.
        var lib = entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).ToList();
        Assert.Contains("lib/net10.0/Ebpf.Kernel.dll", lib);
        Assert.All(lib, e => Assert.StartsWith("lib/net10.0/Ebpf.Kernel.", e));
        Assert.Contains("build/Ebpf.Kernel.targets", entries);
        Assert.Contains("buildTransitive/Ebpf.Kernel.targets", entries);
        foreach (var file in new[] { "ebpf.dll", "ebpf.runtimeconfig.json", "ebpf.deps.json", "Ebpf.Compiler.dll", "Ebpf.Build.dll", "Mono.Cecil.dll" })
            Assert.Contains("tools/net10.0/any/" + file, entries);
        Assert.Empty(Dependencies("Ebpf.Kernel")); // the kernel-side library depends on the BCL only; the tool is self-contained in tools/
    }

    [Fact]
    public void The_cli_package_is_a_dotnet_tool_named_ebpf()
    {
        feed.AssertPacked();
        var metadata = Metadata("ebpf");
        Assert.Contains(metadata.Elements(), e => e.Name.LocalName == "packageTypes" && e.Descendants().Any(t => t.Attribute("name")?.Value == "DotnetTool"));
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", feed.Entries("ebpf"));
        Assert.Contains("tools/net10.0/any/ebpf.dll", feed.Entries("ebpf"));
    }

    [Fact]
    public void A_fresh_project_builds_against_the_packages_and_its_output_ships_no_compiler()
    {
        var (project, build) = feed.Consumer;
        Assert.True(build.ExitCode == 0, build.ToString());
        var shipped = Directory.GetFiles(project.Output).Select(Path.GetFileName).ToList();
        foreach (var file in new[] { "PackageUser.dll", "Ebpf.Runtime.dll", "Ebpf.Kernel.dll", "Ebpf.Native.dll", "Ebpf.Object.dll" })
            Assert.Contains(file, shipped);
        foreach (var file in new[] { "ebpf.dll", "Ebpf.Compiler.dll", "Ebpf.Build.dll", "Mono.Cecil.dll", "System.CommandLine.dll" })
            Assert.DoesNotContain(file, shipped);

        var saved = SaveEmbeddedObject(project);
        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, File.ReadAllBytes(saved)[..4]);
    }

    [KernelFact]
    public void The_fresh_project_loads_runs_and_attaches_its_csharp_program()
    {
        var (project, build) = feed.Consumer;
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = Dotnet.Run(project.Directory, feed.Environment, project.Assembly);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("test run: verdict 1, packets 3", run.Output);
        // One datagram sent from inside the cgroup while attached: counted by the program, in the kernel.
        Assert.Contains("attached: packets 4", run.Output);
    }

    [Fact]
    public void The_tool_installs_from_the_feed_and_inspects_the_object_the_build_embedded()
    {
        var (tools, install) = feed.Tool;
        Assert.True(install.ExitCode == 0, install.ToString());
        var (project, build) = feed.Consumer;
        Assert.True(build.ExitCode == 0, build.ToString());
        var saved = SaveEmbeddedObject(project);

        var inspect = Dotnet.Start(Path.Combine(tools, "ebpf"), feed.Root, feed.Environment, "inspect", saved);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Contains("CountEgress", inspect.Output);
        Assert.Contains("cgroup_skb/egress", inspect.Output);
        Assert.Contains("Packets", inspect.Output);
    }

    private string SaveEmbeddedObject(ConsumerProject project)
    {
        var file = Path.Combine(feed.Root, "Counter.bpf.o");
        var save = Dotnet.Run(project.Directory, feed.Environment, project.Assembly, "--save", file);
        Assert.True(save.ExitCode == 0, save.ToString());
        return file;
    }

    private XElement Metadata(string id) => feed.Nuspec(id).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    private List<string> Dependencies(string id) =>
        Metadata(id).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
}
