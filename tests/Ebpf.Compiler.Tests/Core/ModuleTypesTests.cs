using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Ebpf.Compiler.Generation;
using Ebpf.Compiler.Lowering;
using Ebpf.Kernel;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>
/// <c>ebpf generate btf</c> on a module's split BTF: read with vmlinux as its base, its types generated with the base
/// types they hold, and sizes, offsets, bitfields and enumerators checked against bpftool's reading of the same file.
/// </summary>
public sealed class ModuleTypesTests
{
    /// <summary>The module BTF of <see cref="ModuleBtfFile"/> on this kernel's vmlinux.</summary>
    internal static byte[] ModuleBtf(Btf vmlinux)
    {
        int Id(string name, BtfKind kind) => vmlinux.FindByName(name, kind)?.Id ?? throw new Xunit.Sdk.XunitException($"vmlinux has no {kind} {name}");
        var spinlock = Id("spinlock_t", BtfKind.Typedef);
        return ModuleBtfFile.Build(vmlinux.Count, vmlinux.StringTable, new ModuleBtfFile.BaseTypes(
            Id("list_head", BtfKind.Struct), Id("task_struct", BtfKind.Struct), Id("u64", BtfKind.Typedef), spinlock,
            (int)vmlinux.SizeOf(spinlock), Id("char", BtfKind.Int), Id("int", BtfKind.Int), Id("unsigned int", BtfKind.Int)));
    }

    [KernelFact]
    public void Split_BTF_continues_the_base_ids_and_strings()
    {
        using var vmlinux = Btf.LoadKernel();
        using var module = Btf.ParseSplit(ModuleBtf(vmlinux), vmlinux);
        Assert.Equal(vmlinux.Count, module.BaseCount);
        Assert.Equal(vmlinux.Count + 7, module.Count);
        var dev = Assert.IsType<BtfStruct>(module.FindByName(ModuleBtfFile.Struct));
        Assert.Equal(vmlinux.Count + 3, dev.Id);
        // Names from both string tables; a member's type from the base.
        Assert.Equal(["list", "bytes", "owner", "flags", "busy", "state", "lock", "name"], dev.Members.Select(m => m.Name));
        Assert.Equal("list_head", module.Skip(dev.Members[0].Type).Name);
        Assert.Equal(0, vmlinux.BaseCount);
        // Standalone, the same bytes are not BTF: the string table does not start with the empty string.
        Assert.Throws<BtfException>(() => Btf.Parse(ModuleBtf(vmlinux)));
        Assert.Throws<BtfException>(() => Btf.ParseSplit(ModuleBtf(vmlinux), module)); // a split base
    }

    [KernelFact]
    public void Generated_module_types_have_the_sizes_and_offsets_bpftool_reads()
    {
        using var vmlinux = Btf.LoadKernel();
        var path = Path.Combine(Path.GetTempPath(), $"ebpf-module-btf-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, ModuleBtf(vmlinux));
        string dump;
        try
        {
            using var module = Btf.LoadSplit(path, vmlinux);
            var source = new BtfCSharpGenerator(module, "Kernel.Module").Generate([ModuleBtfFile.Struct, ModuleBtfFile.Function], path);
            var assembly = GeneratedCode.Compile(source, "GeneratedModuleTypes");
            dump = Bpftool("btf", "dump", "file", path, "--base-btf", Btf.KernelPath);

            // bpftool numbers the module's types after vmlinux's, as we do.
            var head = Regex.Match(dump, $@"^\[(\d+)\] STRUCT '{ModuleBtfFile.Struct}' size=(\d+) vlen=(\d+)$", RegexOptions.Multiline);
            Assert.True(head.Success, dump);
            Assert.Equal(module.FindByName(ModuleBtfFile.Struct)!.Id, int.Parse(head.Groups[1].Value));
            var members = Regex.Matches(dump[(head.Index + head.Length)..], @"^\s+'(\w+)' type_id=(\d+) bits_offset=(\d+)(?: bitfield_size=(\d+))?$", RegexOptions.Multiline)
                .Take(int.Parse(head.Groups[3].Value)).ToList();

            var dev = assembly.GetTypes().Single(t => t.Name == ModuleBtfFile.Struct);
            Assert.True(KernelTypes.IsKernelType(dev));
            Assert.Equal(int.Parse(head.Groups[2].Value), SizeOf(dev));
            Assert.Equal(int.Parse(head.Groups[2].Value), Layout.SizeOf(dev));
            var generated = KernelTypes.MembersOf(dev).ToDictionary(m => m.Name);
            Assert.Equal(members.Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal), generated.Keys.Order(StringComparer.Ordinal));
            foreach (var m in members)
            {
                var member = generated[m.Groups[1].Value];
                Assert.Equal(uint.Parse(m.Groups[3].Value), (uint)member.BitOffset);
                Assert.Equal(m.Groups[4].Success ? int.Parse(m.Groups[4].Value) : 0, member.IsBitfield ? member.BitfieldSize : 0);
                if (member.Source is FieldInfo field) Assert.Equal(int.Parse(m.Groups[3].Value) / 8, Layout.OffsetOf(field));
            }

            // The base types it holds are written in full, at vmlinux's size; the one it points to is declared.
            var listHead = assembly.GetTypes().Single(t => t.Name == "list_head");
            Assert.Equal((int)vmlinux.SizeOf(vmlinux.FindByName("list_head", BtfKind.Struct)!.Id), SizeOf(listHead));
            Assert.Equal(listHead, dev.GetField("list")!.FieldType);
            Assert.Equal("task_struct*", dev.GetField("owner")!.FieldType.Name);
            Assert.Empty(assembly.GetTypes().Single(t => t.Name == "task_struct").GetFields());
            Assert.Equal(typeof(ulong), dev.GetField("bytes")!.FieldType);

            var state = assembly.GetTypes().Single(t => t.Name == ModuleBtfFile.Enum);
            foreach (Match v in Regex.Matches(dump, @"^\s+'(EBPF_TEST_\w+)' val=(\d+)$", RegexOptions.Multiline))
                Assert.Equal(uint.Parse(v.Groups[2].Value), Convert.ToUInt32(Enum.Parse(state, v.Groups[1].Value)));
            Assert.Equal(typeof(int), assembly.GetTypes().Single(t => t.Name == ModuleBtfFile.Function).GetMethod("Invoke")!.ReturnType);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int SizeOf(Type t) => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;

    private static string Bpftool(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bpftool {string.Join(' ', args)}: {error}");
        return output.Result;
    }
}
