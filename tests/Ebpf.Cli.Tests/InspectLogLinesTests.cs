using System.Text.Json;
using Ebpf.Compiler.CodeGen;

namespace Ebpf.Cli.Tests;

/// <summary>`ebpf inspect` lists the Log.X($"...") lines of C# programs (the object's .ebpf.logs section), in text and JSON.</summary>
public class InspectLogLinesTests
{
    private static string CompileToFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ebpf-cli-logs-{Guid.NewGuid():n}.o");
        File.WriteAllBytes(path, ProgramCompiler.Compile(typeof(CliLoggingPrograms)));
        return path;
    }

    [Fact]
    public void Text_has_a_log_lines_table_with_id_program_level_source_and_template()
    {
        var path = CompileToFile();
        try
        {
            var (code, output, error) = CliRunner.Run("inspect", path);
            Assert.True(code == 0, error);
            var text = output.ReplaceLineEndings("\n");
            Assert.Contains("\nlog lines:\nID  PROGRAM  LEVEL        SOURCE                 TEMPLATE\n", text);
            Assert.Contains("\n0   Report   information  LoggingPrograms.cs:12  packet of {Length} bytes\n", text);
            Assert.Contains("\n1   Report   warning      LoggingPrograms.cs:14  big packet {Length:x}\n", text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Json_carries_the_log_lines_with_the_full_source_path()
    {
        var path = CompileToFile();
        try
        {
            var (code, output, error) = CliRunner.Run("inspect", path, "--json");
            Assert.True(code == 0, error);
            var lines = JsonDocument.Parse(output).RootElement.GetProperty("log_lines").EnumerateArray().ToList();
            Assert.Equal(2, lines.Count);
            var first = lines[0];
            Assert.Equal(0u, first.GetProperty("id").GetUInt32());
            Assert.Equal("Report", first.GetProperty("program").GetString());
            Assert.Equal("information", first.GetProperty("level").GetString());
            Assert.Equal("packet of {Length} bytes", first.GetProperty("template").GetString());
            Assert.EndsWith(Path.Combine("Ebpf.Cli.Tests", "LoggingPrograms.cs"), first.GetProperty("file").GetString());
            Assert.Equal(12, first.GetProperty("line").GetInt32());
            Assert.Equal("warning", lines[1].GetProperty("level").GetString());
            Assert.Equal(14, lines[1].GetProperty("line").GetInt32());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_object_without_log_lines_has_no_table_and_an_empty_json_list()
    {
        var (code, output, _) = CliRunner.Run("inspect", Ebpf.Tests.Fixtures.Path("cgroup_skb"));
        Assert.Equal(0, code);
        Assert.DoesNotContain("log lines:", output);
        var json = CliRunner.Run("inspect", Ebpf.Tests.Fixtures.Path("cgroup_skb"), "--json").Out;
        Assert.Equal(0, JsonDocument.Parse(json).RootElement.GetProperty("log_lines").GetArrayLength());
    }
}
