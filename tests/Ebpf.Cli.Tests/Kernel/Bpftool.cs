using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>bpftool as the oracle: its JSON output for the same kernel objects.</summary>
internal static class Bpftool
{
    public static JsonNode Json(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool", ["-j", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bpftool {string.Join(' ', args)} failed: {text}");
        return JsonNode.Parse(text)!;
    }
}
