using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Packaging.Tests;

/// <summary>
/// The template package as a user meets it: installed from the feed, <c>dotnet new</c>, <c>dotnet test</c> (which builds the
/// app, compiling its program to BPF, and runs the unit tests that call the program as plain .NET), then the app itself.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class TemplateTests(PackageFeed feed)
{
    [Theory]
    [InlineData("ebpf-cgroup", "MyFilter")]
    [InlineData("ebpf-xdp", "MyCounter")]
    [InlineData("ebpf-trace", "MyTrace")]
    public void A_project_from_the_template_builds_and_its_unit_tests_pass(string template, string name)
    {
        var (directory, test) = feed.FromTemplate(template, name);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+2,", test.Output);
        Assert.True(File.Exists(App(directory, name)), $"no {App(directory, name)}");
    }

    [KernelFact]
    public void The_cgroup_filter_attaches_to_a_cgroup_of_its_own()
    {
        var (directory, test) = feed.FromTemplate("ebpf-cgroup", "MyFilter");
        Assert.True(test.ExitCode == 0, test.ToString());
        var run = Dotnet.Run(directory, feed.Environment, App(directory, "MyFilter"), "--block", "9999", "--seconds", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("blocked ports: 9999", run.Output);
        Assert.Contains("passed 0, dropped 0", run.Output); // nothing runs in the new cgroup
    }

    [KernelFact]
    public void The_xdp_counter_attaches_to_an_interface()
    {
        var (directory, test) = feed.FromTemplate("ebpf-xdp", "MyCounter");
        Assert.True(test.ExitCode == 0, test.ToString());
        // A veth pair of the test's own (this kernel may lack the dummy driver): the machine's lo is shared with other tests
        // that attach XDP to it. Deleting one end deletes both.
        var device = $"ebpfpkg{Environment.ProcessId % 100000}";
        var peer = $"ebpfpkp{Environment.ProcessId % 100000}";
        var add = Dotnet.Start("ip", directory, feed.Environment, "link", "add", device, "type", "veth", "peer", "name", peer);
        Assert.True(add.ExitCode == 0, add.ToString());
        try
        {
            Assert.Equal(0, Dotnet.Start("ip", directory, feed.Environment, "link", "set", device, "up").ExitCode);
            var run = Dotnet.Run(directory, feed.Environment, App(directory, "MyCounter"), device, "--seconds", "1");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"counting packets arriving on {device}", run.Output);
            Assert.Contains("tcp 0, udp 0, icmp 0", run.Output);
        }
        finally
        {
            Dotnet.Start("ip", directory, feed.Environment, "link", "del", device);
        }
    }

    [KernelFact]
    public void The_tracing_tool_prints_an_event_for_a_program_started_while_it_runs()
    {
        var (directory, test) = feed.FromTemplate("ebpf-trace", "MyTrace");
        Assert.True(test.ExitCode == 0, test.ToString());
        var start = new ProcessStartInfo(Dotnet.Host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { App(directory, "MyTrace"), "--seconds", "10" })
            start.ArgumentList.Add(a);
        using var tool = Process.Start(start)!;
        var stderr = tool.StandardError.ReadToEndAsync();
        try
        {
            // The header is printed once the tracepoint is attached: an exec after it is an event.
            var header = tool.StandardOutput.ReadLine();
            Assert.True(header is not null && header.StartsWith("PID", StringComparison.Ordinal), $"header '{header}', stderr: {(tool.HasExited ? stderr.Result : "")}");
            using (var marker = Process.Start("/bin/sleep", "0")!)
                marker.WaitForExit();
            var lines = new List<string>();
            var seen = false;
            while (!seen && tool.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
                seen = line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, "sleep"];
            }
            Assert.True(seen, $"no event for the sleep started; events:\n{string.Join('\n', lines.TakeLast(20))}");
        }
        finally
        {
            if (!tool.HasExited)
                tool.Kill();
            tool.WaitForExit();
        }
    }

    private static string App(string directory, string name) => Path.Combine(directory, name, "bin", "Debug", "net10.0", name + ".dll");
}
