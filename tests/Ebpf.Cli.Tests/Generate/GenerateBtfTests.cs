using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Generate;

/// <summary><c>ebpf generate btf</c>: kernel types as C# (their sizes and offsets are checked by the compiler's CO-RE tests).</summary>
public class GenerateBtfTests
{
    [KernelFact]
    public void Writes_a_kernel_struct_with_what_it_holds_to_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ebpf-generate-btf-{Environment.ProcessId}.cs");
        try
        {
            var (code, output, error) = CliRunner.Run("generate", "btf", "--type", "task_struct", "--type", "pid_type", "-o", path, "-n", "My.Kernel");
            Assert.True(code == 0, error);
            Assert.Equal("", output);
            var text = File.ReadAllText(path);
            Assert.Contains("namespace My.Kernel;", text, StringComparison.Ordinal);
            Assert.Contains("[KernelType(\"task_struct\")]", text, StringComparison.Ordinal);
            Assert.Contains("public task_struct* real_parent;", text, StringComparison.Ordinal);
            Assert.Contains("public enum pid_type : uint", text, StringComparison.Ordinal);
            Assert.Contains("[KernelBitField(", text, StringComparison.Ordinal);
            Assert.Contains("public unsafe partial struct sched_entity", text, StringComparison.Ordinal); // held by value
        }
        finally
        {
            File.Delete(path);
        }
    }

    [KernelFact]
    public void Prints_to_standard_output_by_default()
    {
        var (code, output, _) = CliRunner.Run("generate", "btf", "/sys/kernel/btf/vmlinux", "--type", "list_head");
        Assert.Equal(0, code);
        Assert.Contains("public unsafe partial struct list_head", output, StringComparison.Ordinal);
        Assert.Contains("[FieldOffset(8)] public list_head* prev;", output, StringComparison.Ordinal);
    }

    [KernelFact]
    public void An_unknown_type_or_file_is_one_line_on_stderr()
    {
        var (code, _, error) = CliRunner.Run("generate", "btf", "--type", "no_such_kernel_type");
        Assert.Equal(1, code);
        Assert.Contains("no struct, union, enum, typedef or function named 'no_such_kernel_type'", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("generate", "btf", "/no/such/file", "--type", "task_struct");
        Assert.Equal(1, code);
        Assert.StartsWith("error: /no/such/file", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
