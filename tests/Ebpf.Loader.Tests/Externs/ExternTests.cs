using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Loading;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Externs;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Externs;

/// <summary>Kconfig, ksym and kfunc externs of a clang object (fixture externs.c), resolved against this kernel as libbpf resolves them.</summary>
public class ExternTests
{
    private static readonly string[] Loadable = ["read_kconfig", "read_ksyms", "call_kfuncs"];

    [Fact]
    public void The_reader_lists_every_extern_with_its_kind_and_weakness()
    {
        var externs = BpfObjectFile.Read(Fixtures.Path("externs")).Externs.ToDictionary(e => e.Name);
        Assert.Equal((ExternKind.Kconfig, false), (externs["LINUX_KERNEL_VERSION"].Kind, externs["LINUX_KERNEL_VERSION"].IsWeak));
        Assert.Equal((ExternKind.Kconfig, true), (externs["CONFIG_EBPF_DOTNET_NO_SUCH_OPTION"].Kind, externs["CONFIG_EBPF_DOTNET_NO_SUCH_OPTION"].IsWeak));
        Assert.Equal((ExternKind.TypelessKsym, false), (externs["_stext"].Kind, externs["_stext"].IsWeak));
        Assert.Equal((ExternKind.TypelessKsym, true), (externs["ebpf_dotnet_no_such_symbol"].Kind, externs["ebpf_dotnet_no_such_symbol"].IsWeak));
        Assert.Equal(ExternKind.TypedKsym, externs["bpf_prog_active"].Kind);
        Assert.Equal((ExternKind.Kfunc, false), (externs["bpf_task_from_pid"].Kind, externs["bpf_task_from_pid"].IsWeak));
        Assert.Equal((ExternKind.Kfunc, true), (externs["ebpf_dotnet_no_such_kfunc"].Kind, externs["ebpf_dotnet_no_such_kfunc"].IsWeak));
    }

    [KernelFact]
    public void Kconfig_externs_read_this_kernels_values_typed_as_declared()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = ["read_kconfig"] });
        bpf.Programs["read_kconfig"].TestRun(default);
        using var bss = bpf.GlobalData(".bss");
        var config = KernelConfig();
        var release = Environment.OSVersion.Version;
        Assert.Equal((uint)((release.Major << 16) | (release.Minor << 8) | Math.Min(release.Build, 255)), bss.Get<uint>("kernel_version"));
        Assert.Equal(release >= new Version(5, 15) ? 1u : 0u, bss.Get<uint>("has_cookie"));
        Assert.Equal(config["CONFIG_BPF_SYSCALL"] == "y" ? 1u : 0u, bss.Get<uint>("bpf_syscall"));
        Assert.Equal(config.GetValueOrDefault("CONFIG_NET_SCH_INGRESS") switch { "y" => 1u, "m" => 2u, _ => 0u }, bss.Get<uint>("ingress"));
        Assert.Equal(uint.Parse(config["CONFIG_HZ"]), bss.Get<uint>("hz"));
        Assert.Equal(0u, bss.Get<uint>("missing_option")); // weak and unknown: 0
        var hostname = Encoding.UTF8.GetString(bss.ReadOnlyBytes.Slice((int)bss.Section.FindVariable("hostname")!.Offset, 16)).TrimEnd('\0');
        Assert.Equal(config["CONFIG_DEFAULT_HOSTNAME"].Trim('"'), hostname);
        Assert.Empty(bpf.Warnings); // the object's BTF, .kconfig DATASEC and all, was taken by the kernel
    }

    [KernelFact]
    public void Typeless_ksyms_are_kallsyms_addresses_and_weak_missing_ones_are_zero()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = ["read_ksyms"] });
        bpf.Programs["read_ksyms"].TestRun(default);
        using var bss = bpf.GlobalData(".bss");
        var stext = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ')).First(f => f.Length >= 3 && f[2] == "_stext")[0];
        Assert.Equal(Convert.ToUInt64(stext, 16), bss.Get<ulong>("stext"));
        Assert.Equal(0ul, bss.Get<ulong>("missing_symbol"));
    }

    [KernelFact]
    public void Kfuncs_are_called_by_btf_id_and_a_guarded_weak_missing_one_is_pruned()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = ["call_kfuncs"] });
        Span<byte> args = stackalloc byte[4];
        MemoryMarshal.Write(args, Environment.ProcessId);
        bpf.Programs["call_kfuncs"].TestRun(default, args);
        using var data = bpf.GlobalData(".data");
        Assert.Equal(1, data.Get<int>("task_found"));    // bpf_task_from_pid found this process
        Assert.Equal(1, data.Get<int>("kfunc_missing")); // bpf_ksym_exists was false
        Assert.Empty(bpf.Warnings); // the .ksyms DATASEC with its FUNCs was fixed up, not dropped
        Assert.NotEqual(0u, bpf.Programs["call_kfuncs"].Info.BtfId);
    }

    [KernelFact]
    public void The_loadable_programs_load_together_with_the_objects_btf()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = Loadable });
        Assert.Empty(bpf.Warnings);
        Assert.All(Loadable, name => Assert.NotEqual(0u, bpf.Programs[name].Info.BtfId));
    }

    [KernelFact]
    public void An_unguarded_weak_kfunc_says_to_guard_it()
    {
        var e = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = ["call_missing_kfunc"] }));
        Assert.Contains("kfunc 'ebpf_dotnet_no_such_kfunc', which this kernel does not have", e.Message);
        Assert.Contains("bpf_ksym_exists(ebpf_dotnet_no_such_kfunc)", e.Message);
    }

    [KernelFact]
    public void A_strong_missing_kfunc_names_itself_and_the_weak_fix()
    {
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("externs"), new BpfLoadOptions { Programs = ["call_strong_missing"] }));
        Assert.Contains("program 'call_strong_missing' uses the kfunc 'ebpf_dotnet_missing_strong'", e.Message);
        Assert.Contains("__weak", e.Message);
    }

    [KernelFact]
    public void A_typed_ksym_the_kernel_cannot_place_explains_kallsyms()
    {
        var spec = BpfObjectFile.Read(Fixtures.Path("externs"));
        var options = new BpfLoadOptions { Programs = ["read_percpu"] };
        if (KernelConfig().GetValueOrDefault("CONFIG_KALLSYMS_ALL") == "y")
        {
            using var bpf = BpfObject.Load(spec, options);
            bpf.Programs["read_percpu"].TestRun(default);
            using var data = bpf.GlobalData(".data");
            Assert.True(data.Get<int>("prog_active") >= 0);
            return;
        }
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(spec, options));
        Assert.Contains("'bpf_prog_active' (typed __ksym)", e.Message);
        Assert.Contains("CONFIG_KALLSYMS_ALL", e.Message);
    }

    [Fact]
    public void Kconfig_values_must_fit_the_declared_type()
    {
        var int32 = new BtfInt { Name = "int", Size = 4, Encoding = BtfIntEncoding.Signed };
        var boolean = new BtfInt { Name = "_Bool", Size = 1, Encoding = BtfIntEncoding.Bool };
        var tristate = new BtfEnum { Name = "libbpf_tristate", Size = 4 };
        var config = KernelConfig();
        if (config.Count == 0)
            return; // no kernel config here to read values from
        Assert.Equal([1, 0, 0, 0], KconfigValues.Value("CONFIG_BPF_SYSCALL", tristate, 4)!);
        Assert.Equal([1], KconfigValues.Value("CONFIG_BPF_SYSCALL", boolean, 1)!);
        Assert.Equal([(byte)'y'], KconfigValues.Value("CONFIG_BPF_SYSCALL", new BtfInt { Name = "char", Size = 1 }, 1)!);
        Assert.Contains("is a tristate", Assert.Throws<BpfLoadException>(() => KconfigValues.Value("CONFIG_BPF_SYSCALL", int32, 4)).Message);
        Assert.Contains("is a number", Assert.Throws<BpfLoadException>(() => KconfigValues.Value("CONFIG_HZ", new BtfArray { Count = 8 }, 8)).Message);
        Assert.Contains("does not fit", Assert.Throws<BpfLoadException>(() => KconfigValues.Value("CONFIG_HZ", new BtfInt { Name = "char", Size = 1, Encoding = BtfIntEncoding.Signed }, 1)).Message);
        Assert.Contains("is a string", Assert.Throws<BpfLoadException>(() => KconfigValues.Value("CONFIG_DEFAULT_HOSTNAME", int32, 4)).Message);
        Assert.Null(KconfigValues.Value("CONFIG_EBPF_DOTNET_NO_SUCH_OPTION", int32, 4));
    }

    /// <summary>This kernel's config, read independently of the loader.</summary>
    private static Dictionary<string, string> KernelConfig()
    {
        var result = new Dictionary<string, string>();
        if (!File.Exists("/proc/config.gz"))
            return result;
        using var reader = new StreamReader(new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
            if (line.StartsWith("CONFIG_") && line.IndexOf('=') is > 0 and var eq)
                result[line[..eq]] = line[(eq + 1)..];
        return result;
    }
}
