using System.Diagnostics;
using System.Text.RegularExpressions;
using EgressFirewall;
using Ebpf.Tests;
using TrafficMonitor;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>The samples run as README runs them, with no arguments: each makes its own cgroup, shows its effect and cleans up.</summary>
public class SampleRunTests
{
    private static (int Code, string Output) RunSample(Type program, params string[] args)
    {
        // The sample's own build output, copied beside the tests with its runtimeconfig and deps.
        var dll = program.Assembly.Location;
        using var p = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), output);
        return (p.ExitCode, output + error.Result);
    }

    [KernelFact]
    public void The_traffic_monitor_counts_its_childs_traffic_in_both_directions_and_removes_its_cgroup()
    {
        var (code, output) = RunSample(typeof(TrafficProgram), "--seconds", "2");
        Assert.True(code == 0, output);
        var cgroup = Regex.Match(output, @"^watching cgroup (/\S+) \(ingress and egress attached", RegexOptions.Multiline);
        Assert.True(cgroup.Success, output);
        // One row per second: time, then packets and bytes in and out. The child keeps sending, so every count grows.
        var rows = Regex.Matches(output, @"^\s+\d+s\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", RegexOptions.Multiline)
            .Select(m => m.Groups.Values.Skip(1).Select(g => ulong.Parse(g.Value)).ToArray()).ToList();
        Assert.True(rows.Count == 2, output);
        Assert.All(rows[0], n => Assert.True(n > 0, output));
        Assert.All(Enumerable.Range(0, 4), i => Assert.True(rows[1][i] > rows[0][i], output));
        Assert.Contains("detached; cgroup removed", output);
        Assert.False(Directory.Exists(cgroup.Groups[1].Value));
    }

    [KernelFact]
    public void The_egress_firewall_demo_blocks_the_address_and_the_port_and_counts_them()
    {
        var (code, output) = RunSample(typeof(FirewallProgram));
        Assert.True(code == 0, output);
        var sends = Regex.Matches(output, @"send to (\S+)\s+port (\d+): (\w+)").Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value} {m.Groups[3].Value}");
        Assert.Equal(["127.0.0.1:9998 sent", "127.0.0.2:9998 blocked", "127.0.0.1:9999 blocked", "::1:9998 sent", "::1:9999 blocked"], sends);
        Assert.Contains("passed 2 packets, dropped 3", output); // one datagram per send: nothing else in the cgroup sends
        // Each drop is a line the C# program logged in the kernel, printed by the console logger with its category.
        Assert.Matches(@"warn: Ebpf\.Programs\.Filter\[\d+\] dropped \d+ bytes to blocked address 127\.0\.0\.2", output);
        Assert.Equal(2, Regex.Matches(output, @"dropped \d+ bytes to blocked port 9999").Count);
    }
}
