using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>Every fixture program this kernel can load loads; the rest are named here with the reason.</summary>
public class FixtureLoadTests
{
    /// <summary>Programs that do not load on this kernel or by design, and the exception message that says why.</summary>
    private static readonly Dictionary<string, (string Why, string Expect)> CannotLoad = new()
    {
        ["core_missing.o/unguarded"] = ("reads a field of a struct the kernel does not have, unguarded: libbpf refuses it too", "CO-RE relocation could not be resolved"),
        ["isa.o/all_instructions"] = ("instruction coverage for the disassembler; never meant to pass the verifier", "R2 !read_ok"),
        ["sections.o/p_fentry"] = ("this kernel refuses BPF trampolines (libbpf gets EPERM too)", "EPERM"),
        ["sections.o/p_fexit"] = ("this kernel refuses BPF trampolines (libbpf gets EPERM too)", "EPERM"),
        ["sections.o/p_fmod_ret"] = ("this kernel refuses BPF trampolines (libbpf gets EPERM too)", "EPERM"),
        ["sections.o/p_fentry_s"] = ("this kernel refuses BPF trampolines (libbpf gets EPERM too)", "EPERM"),
        ["sections.o/p_lsm"] = ("BPF LSM programs need trampolines, refused here", "EPERM"),
        ["sections.o/p_lsm_s"] = ("BPF LSM programs need trampolines, refused here", "EPERM"),
        ["sections.o/p_lsm_cgroup"] = ("BPF LSM programs need trampolines, refused here", "EPERM"),
        ["sections.o/p_freplace"] = ("freplace needs the program it replaces (attach_prog_fd)", "options.Program(\"p_freplace\").AttachTarget(targetProgram"),
        ["externs.o/call_missing_kfunc"] = ("calls a weak kfunc this kernel lacks without bpf_ksym_exists: libbpf refuses it too", "guard it with if (bpf_ksym_exists(ebpf_dotnet_no_such_kfunc))"),
        ["externs.o/call_strong_missing"] = ("calls a kfunc no kernel has, not weak", "uses the kfunc 'ebpf_dotnet_missing_strong', which this kernel does not provide"),
        ["externs.o/read_percpu"] = ("a typed ksym needs the variable in kallsyms (CONFIG_KALLSYMS_ALL); libbpf fails the same way here", "typed __ksym"),
        ["load_settings.o/xdp_main"] = ("declares a map sized before load", "options.Map(\"sized_later\").MaxEntries = N"),
        ["load_settings.o/xdp_alternative"] = ("declares a map sized before load", "options.Map(\"sized_later\").MaxEntries = N"),
        ["load_settings.o/placeholder"] = ("declares a map sized before load (and a placeholder target)", "options.Map(\"sized_later\").MaxEntries = N"),
        ["load_settings.o/untyped"] = ("declares a map sized before load (and a section no loader knows)", "options.Map(\"sized_later\").MaxEntries = N"),
        ["freplace.o/drop_all"] = ("freplace needs the program it replaces (attach_prog_fd)", "options.Program(\"drop_all\").AttachTarget(targetProgram, \"xdp_verdict\")"),
        ["sections.o/p_lirc"] = ("the kernel is built without CONFIG_BPF_LIRC_MODE2", "EINVAL"),
        ["trampolines.o/unlink_entry"] = ("this kernel refuses BPF trampolines: the error says so and why", "refused to load a BPF trampoline program (fentry)"),
        ["trampolines.o/unlink_exit"] = ("this kernel refuses BPF trampolines: the error says so and why", "refused to load a BPF trampoline program (fexit)"),
        ["trampolines.o/deny_open"] = ("BPF LSM programs need trampolines, refused here", "refused to load a BPF trampoline program (lsm)"),
        ["sections.o/p_struct_ops"] = ("struct_ops programs load through a struct_ops map", "ENOTSUPP"),
        ["iter_map_elem.o/dump_elems"] = ("this kernel refuses bpf_map_elem iterators before verifying them (bpftool gets EPERM too)", "refuses this program kind"),
    };

    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var path in Fixtures.All())
            foreach (var p in BpfObjectFile.Read(path).Programs)
                data.Add($"{Path.GetFileName(path)}/{p.Name}");
        return data;
    }

    [KernelTheory]
    [MemberData(nameof(Programs))]
    public void Loads_or_fails_for_the_listed_reason(string program)
    {
        var (file, name) = (program.Split('/')[0], program.Split('/')[1]);
        var options = new BpfLoadOptions { Programs = [name] };
        if (CannotLoad.TryGetValue(program, out var reason))
        {
            var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(Fixtures.Path(file), options));
            Assert.Contains(reason.Expect, e.Message);
            return;
        }
        using var bpf = BpfObject.Load(Fixtures.Path(file), options);
        var loaded = bpf.Programs[name];
        var info = loaded.Info;
        Assert.Equal(loaded.Spec!.ProgramType, info.Type);
        Assert.Equal(name.Length > 15 ? name[..15] : name, info.Name);
        Assert.True(info.XlatedSize > 0); // the kernel rewrites context accesses and helpers, so sizes differ from ours
    }

    [KernelTheory]
    [InlineData("cgroup_skb")]
    [InlineData("global_data")]
    [InlineData("legacy_maps")]
    [InlineData("map_in_map")]
    [InlineData("minimal")]
    [InlineData("subprog")]
    public void Whole_objects_load_with_every_map_and_program(string fixture)
    {
        var spec = BpfObjectFile.Read(Fixtures.Path(fixture));
        using var bpf = BpfObject.Load(spec);
        Assert.Empty(bpf.Warnings);
        Assert.Equal(spec.Programs.Select(p => p.Name).Order(), bpf.Programs.Names.Order());
        Assert.Equal(spec.Maps.Select(m => m.Name).Concat(spec.DataSections.Select(d => d.Name)).Order(), bpf.Maps.Names.Order());
        foreach (var map in spec.Maps)
        {
            var info = bpf.Maps[map.Name].Info;
            Assert.Equal((map.Type, map.MaxEntries), (info.Type, info.MaxEntries));
        }
    }

    [KernelFact]
    public void Unknown_names_list_what_there_is()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var e = Assert.Throws<BpfException>(() => bpf.Programs["nope"]);
        Assert.Contains("count_ingress", e.Message);
        var m = Assert.Throws<BpfException>(() => bpf.Maps["nope"]);
        Assert.Contains("traffic", m.Message);
        Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("cgroup_skb"), new BpfLoadOptions { Programs = ["nope"] }));
    }

    [KernelFact]
    public void A_bare_cgroup_skb_section_fails_to_load_with_the_fix()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObject.Load(Path.Combine(Fixtures.Directory, "bad", "bare_cgroup_skb.o")));
        Assert.Contains("needs a direction", e.Message);
        Assert.Contains("\"cgroup_skb/ingress\"", e.Message);
        Assert.Contains("\"cgroup_skb/egress\"", e.Message);
        Assert.Contains("\"cgroup/skb\"", e.Message);
    }
}
