using System.Security;

namespace Ebpf.Packaging.Tests;

/// <summary>
/// A new user's project, outside the repository: two package references (Ebpf.Runtime, Ebpf.Kernel) and no project
/// reference or Import. Its own NuGet.config maps the Ebpf packages to the test's feed alone, so a package of the same id on
/// nuget.org or in a machine's cache is never taken instead; everything else comes from the usual sources. Empty
/// Directory.Build.props and Directory.Packages.props stop MSBuild from picking up files of the temporary directory's parents.
/// </summary>
internal sealed class ConsumerProject
{
    public const string Name = "PackageUser";

    public ConsumerProject(PackageFeed feed)
    {
        Directory = Path.Combine(feed.Root, Name);
        Isolate(Directory, feed.Feed);
        Write(Name + ".csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ebpf.Runtime" Version="{feed.Version}" />
                <PackageReference Include="Ebpf.Kernel" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        Write("Counter.cs", """
            using Ebpf.Kernel;

            namespace PackageUser;

            [License("GPL")]
            public static class Counter
            {
                [Map] public static readonly ArrayMap<ulong> Packets = new(maxEntries: 1);

                [CgroupSkb(CgroupSkbDirection.Egress)]
                public static SkbVerdict CountEgress(SkBuffContext skb)
                {
                    Packets.Add(0, 1);
                    return SkbVerdict.Pass;
                }
            }
            """);
        Write("Program.cs", """
            using System.Net;
            using System.Net.Sockets;
            using Ebpf;
            using PackageUser;

            // --save FILE: the object the build embedded, for the ebpf tool to inspect.
            if (args is ["--save", var file])
            {
                using var resource = typeof(Counter).Assembly.GetManifestResourceStream(typeof(Counter).FullName + ".bpf.o")
                    ?? throw new InvalidOperationException("the build embedded no object for Counter");
                using var output = File.Create(file);
                resource.CopyTo(output);
                return 0;
            }

            using var bpf = BpfObject.Load(typeof(Counter));
            var program = bpf.Programs[nameof(Counter.CountEgress)];
            var packets = bpf.Maps["Packets"].AsArray<ulong>();

            // An Ethernet frame with a 60-byte IPv4/UDP packet from 127.0.0.1 to 127.0.0.1, run three times in the kernel.
            var frame = new byte[14 + 60];
            frame[12] = 0x08;
            frame[14] = 0x45;
            frame[17] = 60;
            frame[22] = 64;
            frame[23] = 17;
            frame[26] = frame[30] = 127;
            frame[29] = frame[33] = 1;
            var run = program.TestRun(frame, repeat: 3);
            Console.WriteLine($"test run: verdict {run.ReturnValue}, packets {packets[0]}");

            // Attached to a cgroup of its own; this process joins it for one datagram, then goes back where it was.
            var home = File.ReadAllLines("/proc/self/cgroup").Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];
            using (var cgroup = Cgroup.Create($"ebpf-package-user-{Environment.ProcessId}"))
            using (var link = program.AsCgroupSkb().Attach(cgroup))
            {
                cgroup.AddProcess(Environment.ProcessId);
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    socket.SendTo(new byte[8], new IPEndPoint(IPAddress.Loopback, 9));
                }
                finally
                {
                    using var back = Cgroup.Open(home.TrimStart('/'));
                    back.AddProcess(Environment.ProcessId);
                }
            }
            Console.WriteLine($"attached: packets {packets[0]}");
            return 0;
            """);
    }

    public string Directory { get; }

    /// <summary>Where <c>dotnet build</c> puts the app (Debug).</summary>
    public string Output => Path.Combine(Directory, "bin", "Debug", "net10.0");

    public string Assembly => Path.Combine(Output, Name + ".dll");

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

    /// <summary>Makes <paramref name="directory"/> a place for projects that see only the packages and the usual sources.</summary>
    internal static void Isolate(string directory, string feed)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), NuGetConfig(feed));
    }

    /// <summary>
    /// The feed for the Ebpf packages (ids are case-insensitive: "Ebpf.*" and the tool's "ebpf"); the machine's offline
    /// package folder and NuGet's own cache as local sources for the rest when they exist, then nuget.org.
    /// </summary>
    private static string NuGetConfig(string feed)
    {
        var others = new List<(string Key, string Source)>();
        if (System.IO.Directory.Exists("/opt/nuget/packages"))
            others.Add(("offline", "/opt/nuget/packages"));
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (System.IO.Directory.Exists(cache))
            others.Add(("cache", cache));
        others.Add(("nuget.org", "https://api.nuget.org/v3/index.json"));
        var sources = string.Concat(others.Select(o => $"""    <add key="{o.Key}" value="{SecurityElement.Escape(o.Source)}" />{"\n"}"""));
        var mappings = string.Concat(others.Select(o => $"""    <packageSource key="{o.Key}"><package pattern="*" /></packageSource>{"\n"}"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="feed" value="{SecurityElement.Escape(feed)}" />
            {sources}  </packageSources>
              <packageSourceMapping>
                <clear />
                <packageSource key="feed"><package pattern="Ebpf.*" /><package pattern="ebpf" /></packageSource>
            {mappings}  </packageSourceMapping>
            </configuration>
            """;
    }
}
