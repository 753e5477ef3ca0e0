using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Ebpf.Tests;

namespace Ebpf.Hosting.Tests;

/// <summary>
/// A test that needs a working docker (a daemon, and the network to pull the .NET images): skipped loudly without one, failed
/// instead with EBPF_REQUIRE_DOCKER=1.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    private static readonly string? Missing = Probe();

    public DockerFactAttribute()
    {
        if ((Missing ?? KernelRequirement.Missing) is { } why && Environment.GetEnvironmentVariable("EBPF_REQUIRE_DOCKER") != "1")
            Skip = $"DOCKER TEST SKIPPED: {why}. Set EBPF_REQUIRE_DOCKER=1 to make this a failure.";
    }

    private static string? Probe()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", ["info", "--format", "{{.ServerVersion}}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var error = docker.StandardError.ReadToEndAsync();
            docker.StandardOutput.ReadToEnd();
            if (!docker.WaitForExit(15_000))
                return "`docker info` did not answer within 15 s";
            return docker.ExitCode == 0 ? null : $"docker cannot run here ({error.Result.Trim()})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "no docker command";
        }
    }
}

/// <summary>samples/TrafficMonitor/deploy: the image builds, and the agent in it attaches to a cgroup and serves its metrics.</summary>
public class ContainerImageTests
{
    private const string Image = "ebpf-traffic-monitor:test";

    private static string RepositoryRoot([CallerFilePath] string file = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));

    private static string Docker(params string[] args) => Command.Run("docker", args);

    [DockerFact]
    public async Task The_image_builds_and_its_agent_serves_a_cgroups_traffic_on_loopback()
    {
        var root = RepositoryRoot();
        Docker("build", "-f", Path.Combine(root, "samples/TrafficMonitor/deploy/Dockerfile"), "-t", Image, root);
        using var lab = new TrafficLab();
        var port = PrometheusTests.FreeLoopbackPort();
        // As the DaemonSet runs it: privileged, the host's cgroup hierarchy mounted; host network so loopback reaches it.
        var container = Docker("run", "-d", "--rm", "--privileged", "--network", "host", "-v", $"{Cgroup.Mount}:/host/cgroup:ro",
            "--entrypoint", "dotnet", Image, "TrafficMonitor.dll", "--metrics-port", port.ToString(),
            "--cgroup", "/host/cgroup/" + Path.GetRelativePath(Cgroup.Mount, lab.Cgroup.Path)).Trim();
        try
        {
            var logs = "";
            for (var i = 0; i < 60 && !logs.Contains("watching cgroup"); i++)
            {
                await Task.Delay(500);
                logs = Docker("logs", container);
            }
            Assert.Contains("(ingress and egress attached as BPF links)", logs);
            lab.StartServer(Peers.UdpEchoServer("127.0.0.1", 9630));
            Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.1", 9630, 10)).Trim());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var scrape = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Matches(new Regex("""^traffic_packets_total\{[^}]*direction="egress"[^}]*\} 10\b""", RegexOptions.Multiline), scrape);
        }
        finally
        {
            Docker("stop", "--time", "20", container); // SIGTERM: the host detaches
        }
        Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
    }
}
