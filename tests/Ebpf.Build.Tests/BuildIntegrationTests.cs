using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Ebpf.Object;
using Ebpf.Tests;
using Xunit.Abstractions;

namespace Ebpf.Build.Tests;

/// <summary>The user project of these tests, built once with the build integration before the first test.</summary>
public sealed class UserBuild : IDisposable
{
    public UserBuild()
    {
        Root = Directory.CreateTempSubdirectory("ebpf-build-tests-").FullName;
        Project = new UserProject(Root, UserSources.Project, new Dictionary<string, string>
        {
            ["Counter.cs"] = UserSources.Counter, ["Guard.cs"] = UserSources.Guard, ["Helper.cs"] = UserSources.Helper,
        });
        First = Project.Build();
    }

    public string Root { get; }
    internal UserProject Project { get; }
    internal BuildRun First { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// `dotnet build` of a user project that imports build/Ebpf.Build.targets: objects compiled and embedded, incremental,
/// errors with file and line, the opt-out. One class: every build of the run shares the fixture's artifacts, so they are serial.
/// </summary>
public class BuildIntegrationTests(UserBuild build, ITestOutputHelper output) : IClassFixture<UserBuild>
{
    private const string CounterObject = "UserPrograms.Counter.bpf.o";
    private const string GuardObject = "UserPrograms.Nested.Guard.bpf.o";

    private UserProject Project => build.Project;

    [Fact]
    public void Dotnet_build_embeds_an_object_for_every_class_of_programs()
    {
        Assert.True(build.First.ExitCode == 0, build.First.ToString());
        var resources = BuiltAssembly.Resources(Project.OutputAssembly);
        Assert.Equal([CounterObject, GuardObject], resources.Keys.Order(StringComparer.Ordinal)); // Helper has no programs

        var counter = BpfObjectFile.Read(resources[CounterObject]);
        Assert.Equal("GPL", counter.License);
        Assert.Equal([("CountIngress", "cgroup_skb/ingress"), ("CountEgress", "cgroup_skb/egress")], counter.Programs.Select(p => (p.Name, p.SectionName)));
        Assert.Equal([("Blocked", BpfMapType.Hash, 16u), ("Packets", BpfMapType.Array, 2u)],
            counter.Maps.Select(m => (m.Name, m.Type, m.MaxEntries)).OrderBy(m => m.Name, StringComparer.Ordinal));
        // Compiled with the PDB: line info carries the C# text.
        Assert.Contains(counter.FindProgram("CountEgress")!.LineInfos, l => l.FileName.EndsWith("Counter.cs") && l.LineText == "Packets.Add(1, 1);");

        var guard = BpfObjectFile.Read(resources[GuardObject]);
        Assert.Equal(("Either", "cgroup/skb"), (Assert.Single(guard.Programs).Name, guard.Programs[0].SectionName));

        // The assembly in bin is the rewritten one, and its PDB was rewritten with it.
        Assert.Equal(File.ReadAllBytes(Project.IntermediateAssembly), File.ReadAllBytes(Project.OutputAssembly));
        BuiltAssembly.AssertPdbMatches(Project.IntermediateAssembly, Project.Source("Counter.cs"));
    }

    [Fact]
    public void The_step_runs_once_for_all_classes_and_reports_its_time()
    {
        Assert.True(build.First.ExitCode == 0, build.First.ToString());
        // MSBuild's performance summary: "  312 ms  EbpfEmbedPrograms   1 calls" (the step alone: tool start, compile, rewrite).
        // One call for both classes: one tool start per build, not per class. The time is printed, not bounded: speed is
        // the benchmarks' business (a loaded CI machine made 300 ms into 2.8 s).
        var line = Regex.Match(build.First.Output, @"^\s*(\d+) ms\s+EbpfEmbedPrograms\s+1 calls", RegexOptions.Multiline);
        Assert.True(line.Success, build.First.ToString());
        output.WriteLine($"EbpfEmbedPrograms: {line.Groups[1].Value} ms for two classes of programs (whole first build {build.First.Elapsed.TotalSeconds:0.0} s)");
    }

    [Fact]
    public void The_loader_finds_the_embedded_object()
    {
        Assert.True(build.First.ExitCode == 0, build.First.ToString());
        var counter = LoadBuilt().GetType("UserPrograms.Counter", throwOnError: true)!;
        var embedded = BuiltAssembly.Resources(Project.OutputAssembly)[CounterObject];
        Assert.Equal(embedded, EmbeddedObjects.Find(counter));
        Assert.Equal(embedded, EmbeddedObjects.ObjectOf(counter));
    }

    [Fact]
    public void An_unchanged_build_does_no_work()
    {
        var before = Project.Build();
        Assert.True(before.ExitCode == 0, before.ToString());
        var written = File.GetLastWriteTimeUtc(Project.IntermediateAssembly);

        var again = Project.Build();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Skipping target \"EbpfEmbedPrograms\" because all output files are up-to-date", again.Output);
        Assert.False(again.Embedded, again.ToString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(Project.IntermediateAssembly));
        Assert.Contains(CounterObject, BuiltAssembly.Resources(Project.OutputAssembly).Keys);
    }

    [Fact]
    public void A_rebuilt_compiler_embeds_again()
    {
        // A copy of the tool's directory, so its files can be made newer without touching the tests' own.
        var tool = Directory.CreateDirectory(Path.Combine(build.Root, "tool", Guid.NewGuid().ToString("n"))).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(UserProject.EbpfTool)!))
            File.Copy(file, Path.Combine(tool, Path.GetFileName(file)));
        var first = Project.BuildWith(Path.Combine(tool, "ebpf.dll"));
        Assert.True(first.ExitCode == 0, first.ToString());
        var unchanged = Project.BuildWith(Path.Combine(tool, "ebpf.dll"));
        Assert.False(unchanged.Embedded, unchanged.ToString());

        // A compiler change rebuilds Ebpf.Compiler.dll; ebpf.dll itself may stay as it was.
        File.SetLastWriteTimeUtc(Path.Combine(tool, "Ebpf.Compiler.dll"), DateTime.UtcNow);
        var rebuilt = Project.BuildWith(Path.Combine(tool, "ebpf.dll"));
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.True(rebuilt.Embedded, rebuilt.ToString());
        Assert.Contains("Skipping target \"CoreCompile\"", rebuilt.Output); // the same assembly, its objects replaced
        Assert.Equal([CounterObject, GuardObject], BuiltAssembly.Resources(Project.OutputAssembly).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_changed_program_is_compiled_and_embedded_again()
    {
        var source = Project.Source("Guard.cs");
        try
        {
            File.WriteAllText(source, UserSources.Guard.Replace("maxEntries: 1", "maxEntries: 3"));
            var run = Project.Build();
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.True(run.Embedded, run.ToString());
            Assert.Equal(3u, Assert.Single(BpfObjectFile.Read(BuiltAssembly.Resources(Project.OutputAssembly)[GuardObject]).Maps).MaxEntries);
        }
        finally
        {
            File.WriteAllText(source, UserSources.Guard);
        }
    }

    [Fact]
    public void EbpfCompile_false_builds_the_assembly_without_objects()
    {
        try
        {
            var off = Project.Build("-p:EbpfCompile=false");
            Assert.True(off.ExitCode == 0, off.ToString());
            Assert.False(off.Embedded, off.ToString());
            // Also after a build that embedded them: the setting is an input of the C# compiler's step.
            Assert.DoesNotContain(BuiltAssembly.Resources(Project.OutputAssembly).Keys, k => k.EndsWith(".bpf.o"));
            Assert.Null(EmbeddedObjects.Find(LoadBuilt().GetType("UserPrograms.Counter", throwOnError: true)!));
        }
        finally
        {
            var on = Project.Build();
            Assert.True(on.ExitCode == 0, on.ToString());
        }
        Assert.Contains(CounterObject, BuiltAssembly.Resources(Project.OutputAssembly).Keys);
    }

    [Fact]
    public void A_compiler_error_fails_the_build_with_its_file_and_line_until_it_is_fixed()
    {
        var broken = new UserProject(build.Root, UserSources.BrokenProject, new Dictionary<string, string> { ["Broken.cs"] = UserSources.Broken });
        var error = new Regex($@"{Regex.Escape(broken.Source("Broken.cs"))}\({UserSources.BrokenLine},\d+\): error EBPF002: checked arithmetic");
        var run = broken.Build();
        Assert.NotEqual(0, run.ExitCode);
        Assert.Matches(error, run.Output);
        Assert.False(File.Exists(broken.OutputAssembly), "a failed step must not deliver the assembly");

        var again = broken.Build(); // the C# compiler has nothing to do now; the BPF step must still fail
        Assert.NotEqual(0, again.ExitCode);
        Assert.Matches(error, again.Output);
    }

    [Fact]
    public void Embedding_again_replaces_the_objects_and_keeps_the_pdb_in_step()
    {
        Assert.True(build.First.ExitCode == 0, build.First.ToString());
        var dir = Directory.CreateTempSubdirectory("ebpf-embed-").FullName;
        try
        {
            var copy = Path.Combine(dir, Path.GetFileName(Project.IntermediateAssembly));
            File.Copy(Project.IntermediateAssembly, copy);
            File.Copy(Path.ChangeExtension(Project.IntermediateAssembly, ".pdb"), Path.ChangeExtension(copy, ".pdb"));
            var (code, text) = Ebpf("compile", copy, "--embed");
            Assert.True(code == 0, text);
            Assert.Contains($"embedded {CounterObject}", text);
            Assert.Equal(BuiltAssembly.Resources(Project.IntermediateAssembly), BuiltAssembly.Resources(copy)); // replaced, not doubled
            BuiltAssembly.AssertPdbMatches(copy, Project.Source("Counter.cs"));

            var kernel = Path.Combine(dir, "Ebpf.Kernel.dll");
            File.Copy(Path.Combine(Path.GetDirectoryName(Project.OutputAssembly)!, "Ebpf.Kernel.dll"), kernel);
            var bytes = File.ReadAllBytes(kernel);
            (code, text) = Ebpf("compile", kernel, "--embed");
            Assert.True(code == 0, text);
            Assert.Contains("has no class of programs", text);
            Assert.Equal(bytes, File.ReadAllBytes(kernel));

            (code, text) = Ebpf("compile", copy, "--embed", "-o", Path.Combine(dir, "x.o"));
            Assert.Equal(1, code);
            Assert.Contains("either -o FILE", text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [KernelFact]
    public void The_embedded_object_loads_and_runs_in_the_kernel()
    {
        Assert.True(build.First.ExitCode == 0, build.First.ToString());
        var counter = LoadBuilt().GetType("UserPrograms.Counter", throwOnError: true)!;
        Assert.NotNull(EmbeddedObjects.Find(counter));
        using var bpf = BpfObject.Load(counter);

        var frame = new byte[100]; // Ethernet, then IPv4 to 10.1.2.3
        frame[12] = 0x08;
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 86);
        frame[23] = 17;
        (frame[30], frame[31], frame[32], frame[33]) = ((byte)10, (byte)1, (byte)2, (byte)3);
        var egress = bpf.Programs["CountEgress"];
        Assert.Equal(1u, egress.TestRun(frame, repeat: 3).ReturnValue);
        Assert.Equal(3UL, bpf.Maps["Packets"].AsArray<ulong>()[1]);

        // The test run's socket takes its addresses from the packet: blocking the destination drops it.
        bpf.Maps["Blocked"].AsHashMap<uint, ulong>()[BitConverter.ToUInt32(frame, 30)] = 1;
        Assert.Equal(0u, egress.TestRun(frame).ReturnValue);
    }

    /// <summary>
    /// The built assembly, loaded from a file as an application loads it (the kernel-side library is the one these tests use).
    /// A copy per load: the runtime caches images by path, and a later build replaces the file under the same path.
    /// </summary>
    private Assembly LoadBuilt()
    {
        var copy = Path.Combine(Directory.CreateDirectory(Path.Combine(build.Root, "loaded", Guid.NewGuid().ToString("n"))).FullName,
            Path.GetFileName(Project.OutputAssembly));
        File.Copy(Project.OutputAssembly, copy);
        return new AssemblyLoadContext(copy, isCollectible: true).LoadFromAssemblyPath(copy);
    }

    private static (int Code, string Text) Ebpf(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(UserProject.EbpfTool);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
