using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>Tables fit the terminal's width (COLUMNS, else the terminal's own); piped without COLUMNS, lines stay whole.</summary>
public class TableWidthTests
{
    private static string RunCli(int? columns, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("COLUMNS");
        if (columns is { } c)
            start.Environment["COLUMNS"] = c.ToString();
        using var p = Process.Start(start)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), output);
        Assert.True(p.ExitCode == 0, output + error.Result);
        return output;
    }

    [KernelFact]
    public void Prog_list_wraps_its_widest_cells_to_fit_and_keeps_every_program()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var ids = bpf.Programs.Select(p => p.Info.Id.ToString()).ToList();

        var whole = RunCli(null, "prog", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(whole, l => l.Length > 90); // piped: the table's natural width, wider than what is asked next

        var fitted = RunCli(90, "prog", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(fitted, l => Assert.True(l.Length <= 90, $"{l.Length} columns: {l}"));
        Assert.StartsWith("ID", fitted[0]);
        Assert.True(fitted.Length > whole.Length, "nothing was wrapped");
        // Each of our programs still starts a row with its id (other tests load and unload programs meanwhile).
        Assert.All(ids, id => Assert.Contains(fitted, l => l.StartsWith(id + " ")));
    }
}
