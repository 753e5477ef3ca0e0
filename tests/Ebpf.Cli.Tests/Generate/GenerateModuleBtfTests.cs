using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Generate;

/// <summary><c>ebpf generate btf FILE --base FILE</c>: a module's split BTF read on vmlinux (the compiler's tests check the layout).</summary>
public class GenerateModuleBtfTests
{
    [KernelFact]
    public void A_module_types_are_generated_with_the_base_types_they_hold()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ebpf-generate-module-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(path, ModuleBtf());
            var (code, output, error) = CliRunner.Run("generate", "btf", path, "--base", "vmlinux", "--type", ModuleBtfFile.Struct);
            Assert.True(code == 0, error);
            Assert.Contains($"[KernelType(\"{ModuleBtfFile.Struct}\")]", output, StringComparison.Ordinal);
            Assert.Contains("[StructLayout(LayoutKind.Explicit, Size = 64, Pack = 1)]", output, StringComparison.Ordinal);
            Assert.Contains("[FieldOffset(0)] public list_head list;", output, StringComparison.Ordinal);
            Assert.Contains("[FieldOffset(24)] public task_struct* owner;", output, StringComparison.Ordinal);
            Assert.Contains("[KernelBitField(259, 1)] public readonly uint busy", output, StringComparison.Ordinal);
            Assert.Contains("[FieldOffset(48)] public fixed byte name[16];", output, StringComparison.Ordinal);
            Assert.Contains("public unsafe partial struct list_head", output, StringComparison.Ordinal); // the base's, held by value

            // On its own the file is not BTF: the error says to give the base.
            (code, _, error) = CliRunner.Run("generate", "btf", path, "--type", ModuleBtfFile.Struct);
            Assert.Equal(1, code);
            Assert.Contains("--base", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] ModuleBtf()
    {
        using var vmlinux = Btf.LoadKernel();
        int Id(string name, BtfKind kind) => vmlinux.FindByName(name, kind)!.Id;
        var spinlock = Id("spinlock_t", BtfKind.Typedef);
        return ModuleBtfFile.Build(vmlinux.Count, vmlinux.StringTable, new ModuleBtfFile.BaseTypes(
            Id("list_head", BtfKind.Struct), Id("task_struct", BtfKind.Struct), Id("u64", BtfKind.Typedef), spinlock,
            (int)vmlinux.SizeOf(spinlock), Id("char", BtfKind.Int), Id("int", BtfKind.Int), Id("unsigned int", BtfKind.Int)));
    }
}
