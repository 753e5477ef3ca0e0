using Ebpf.Object;

namespace Ebpf.Cli.Tests;

public class CompileCommandTests
{
    private static string Assembly => typeof(GoodPrograms).Assembly.Location;

    [Fact]
    public void Compiles_a_class_of_programs_to_an_object_the_reader_reads()
    {
        var output = Path.Combine(Path.GetTempPath(), $"ebpf-compile-{Guid.NewGuid():n}.o");
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("compile", Assembly, "--type", nameof(GoodPrograms), "-o", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("compiled Ebpf.Cli.Tests.GoodPrograms", stdout);
            var obj = BpfObjectFile.Read(output);
            Assert.Equal("cgroup_skb/ingress", Assert.Single(obj.Programs).SectionName);
            Assert.Equal("Seen", Assert.Single(obj.Maps).Name);
            Assert.Equal("GPL", obj.License);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Compiler_errors_are_file_line_col_error_code_message_with_exit_code_1()
    {
        var (code, _, stderr) = CliRunner.Run("compile", Assembly, "--type", nameof(BadPrograms), "-o", "/tmp/never-written.o");
        Assert.Equal(1, code);
        Assert.Matches(@"CompilePrograms\.cs\(23,\d+\): error EBPF002: checked arithmetic", stderr);
        Assert.False(File.Exists("/tmp/never-written.o"));
    }

    [Fact]
    public void Several_classes_need_a_type_and_unknown_ones_are_named()
    {
        var (code, _, stderr) = CliRunner.Run("compile", Assembly, "-o", "/tmp/never-written.o");
        Assert.Equal(1, code);
        Assert.Contains("pick one with --type", stderr);
        Assert.Contains("GoodPrograms", stderr);
        Assert.Contains("no such assembly", CliRunner.Run("compile", "/nonexistent/x.dll", "-o", "/tmp/x.o").Err);
    }
}
