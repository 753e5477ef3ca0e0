using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>`ebpf map watch ID|PATH`: the BTF-decoded dump again every interval, bounded by --count or Ctrl+C.</summary>
public class MapWatchTests
{
    private static byte[] Counters(ulong packets, ulong bytes) => [.. BitConverter.GetBytes(packets), .. BitConverter.GetBytes(bytes)];

    /// <summary>Calls back when a line is written: the test changes the map while the watch waits for its next dump.</summary>
    private sealed class OnLine(Action<string> callback) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            callback(value ?? "");
        }
    }

    [KernelFact]
    public void Each_dump_shows_the_values_as_they_are_then()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var traffic = bpf.Maps["traffic"];
        traffic.Update(BitConverter.GetBytes(1u), Counters(7, 420));
        var id = traffic.Info.Id;
        var dumps = 0;
        var stdout = new OnLine(line =>
        {
            if (line.StartsWith("Found ") && ++dumps == 1)
                traffic.Update(BitConverter.GetBytes(1u), Counters(8, 480)); // between the first dump and the second
        });
        var stderr = new StringWriter();

        var code = Program.Run(["map", "watch", id.ToString(), "--count", "2", "--interval", "0.2"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        var text = stdout.ToString().ReplaceLineEndings("\n");
        var headers = Regex.Matches(text, $@"^map {id} 'traffic' \(array\) every 0\.2 s: dump (\d) at \d\d:\d\d:\d\d$", RegexOptions.Multiline);
        Assert.Equal(["1", "2"], headers.Select(h => h.Groups[1].Value));
        var second = text[headers[1].Index..];
        Assert.Contains("key: 1  value: { packets = 7, bytes = 420 }", text[..headers[1].Index]);
        Assert.Contains("key: 1  value: { packets = 8, bytes = 480 }", second);
        Assert.EndsWith("Found 2 elements\n", second);
    }

    [KernelFact]
    public void Json_is_one_line_per_dump_with_decoded_entries()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        bpf.Maps["traffic"].Update(BitConverter.GetBytes(0u), Counters(5, 300));
        var (code, output, error) = CliRunner.Run("map", "watch", bpf.Maps["traffic"].Info.Id.ToString(), "--count", "3", "--interval", "0.05", "--json");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (var i = 0; i < 3; i++)
        {
            var dump = JsonNode.Parse(lines[i])!;
            Assert.Equal(i + 1, (int)dump["dump"]!);
            var first = dump["entries"]![0]!;
            Assert.Equal(0, (int)first["key"]!);
            Assert.Equal(5, (int)first["value"]!["packets"]!);
            Assert.Equal(300, (int)first["value"]!["bytes"]!);
        }
    }

    [KernelFact]
    public void Ctrl_c_ends_the_watch_with_exit_code_0()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var id = bpf.Maps["traffic"].Info.Id;
        using var watch = Process.Start(new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "map", "watch", id.ToString(), "--interval", "0.2"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var error = watch.StandardError.ReadToEndAsync();
        try
        {
            // Wait for the first dump, so the signal handler is in place.
            while (watch.StandardOutput.ReadLine() is { } line && !line.StartsWith("Found "))
            {
            }
        }
        finally
        {
            Process.Start("kill", ["-INT", watch.Id.ToString()])!.WaitForExit();
        }
        watch.StandardOutput.ReadToEnd();
        Assert.True(watch.WaitForExit(10_000), "map watch did not stop on SIGINT");
        Assert.True(watch.ExitCode == 0, error.Result);
    }

    [Theory]
    [InlineData("--count", "0", "--count 0: give a number of dumps of at least 1")]
    [InlineData("--interval", "0", "--interval 0: give a number of seconds above 0")]
    public void Bad_bounds_are_refused_before_the_map_is_opened(string option, string value, string message)
    {
        var (code, _, error) = CliRunner.Run("map", "watch", "1", option, value);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {message}", error);
    }
}
