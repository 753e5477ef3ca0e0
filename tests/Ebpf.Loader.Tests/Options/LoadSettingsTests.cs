using Ebpf.Native;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Options;

/// <summary>options.Map(name) and options.Program(name): what tools change before load (fixture load_settings.c).</summary>
public class LoadSettingsTests
{
    private const string Fixture = "load_settings";

    /// <summary>What every load of the fixture needs: the run-time sized map sized, the placeholder target and the custom section's type set.</summary>
    private static BpfLoadOptions Ready(params string[] programs)
    {
        var options = new BpfLoadOptions { Programs = programs.Length == 0 ? null : programs };
        options.Map("sized_later").MaxEntries = 128;
        options.Program("placeholder").AttachTarget("sched_switch");
        options.Program("untyped").Type = BpfProgramType.SocketFilter;
        return options;
    }

    [KernelFact]
    public void A_map_left_at_max_entries_0_names_the_option_to_set()
    {
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path(Fixture)));
        Assert.Contains("map 'sized_later'", e.Message);
        Assert.Contains("declares max_entries 0", e.Message);
        Assert.Contains("options.Map(\"sized_later\").MaxEntries = N", e.Message);
    }

    [KernelFact]
    public void Every_program_loads_once_the_settings_are_made()
    {
        using var bpf = BpfObject.Load(Fixtures.Path(Fixture), Ready());
        Assert.Equal(128u, bpf.Maps["sized_later"].Info.MaxEntries);
        Assert.Equal(["placeholder", "untyped", "xdp_alternative", "xdp_main"], bpf.Programs.Names.Order());
        Assert.Equal(BpfProgramType.SocketFilter, bpf.Programs["untyped"].Info.Type);
        Assert.Empty(bpf.Warnings);
    }

    [KernelFact]
    public void A_map_is_created_with_every_setting_changed()
    {
        var options = Ready("xdp_main");
        var reshaped = options.Map("reshaped");
        (reshaped.Type, reshaped.KeySize, reshaped.ValueSize, reshaped.MaxEntries) = (BpfMapType.Hash, 8, 16, 10);
        reshaped.Flags = BpfMapFlags.NoPrealloc;
        reshaped.NumaNode = 0;
        using var bpf = BpfObject.Load(Fixtures.Path(Fixture), options);
        var info = bpf.Maps["reshaped"].Info;
        Assert.Equal((BpfMapType.Hash, 8, 16, 10u), (info.Type, info.KeySize, info.ValueSize, info.MaxEntries));
        Assert.Equal(BpfMapFlags.NoPrealloc | BpfMapFlags.NumaNode, info.Flags);
        Assert.Equal((8u, 16u), (bpf.Maps["reshaped"].Spec!.KeySize, bpf.Maps["reshaped"].Spec!.ValueSize)); // typed views check these
        Assert.Empty(bpf.Warnings); // the BTF key/value types no longer fit, so they were not offered to the kernel
    }

    [KernelFact]
    public void A_map_not_created_may_be_used_only_by_code_the_verifier_prunes()
    {
        var options = Ready("xdp_main");
        options.Map("optional").AutoCreate = false;
        using (var bpf = BpfObject.Load(Fixtures.Path(Fixture), options))
        {
            Assert.DoesNotContain("optional", bpf.Maps.Names);
            Assert.Equal(2u, bpf.Programs["xdp_main"].TestRun(new byte[64]).ReturnValue); // XDP_PASS
        }
        options.SetVariable("use_optional", 1);
        var e = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(Fixtures.Path(Fixture), options));
        Assert.Contains("uses map 'optional', which was not created (options.Map(\"optional\").AutoCreate = false)", e.Message);
    }

    [KernelFact]
    public void A_map_of_another_object_is_reused_when_it_matches()
    {
        using var first = BpfObject.Load(Fixtures.Path(Fixture), Ready("xdp_main"));
        var options = Ready("xdp_main");
        options.Map("sized_later").Reuse = first.Maps["sized_later"];
        using (var second = BpfObject.Load(Fixtures.Path(Fixture), options))
        {
            Assert.Equal(first.Maps["sized_later"].Info.Id, second.Maps["sized_later"].Info.Id);
            second.Programs["xdp_main"].TestRun(new byte[64]);
        }
        Assert.Single(first.Maps["sized_later"].RawKeys()); // the second object's program wrote into the first's map, which outlives it

        options.Map("sized_later").MaxEntries = 64;
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path(Fixture), options));
        Assert.Contains("has max_entries 128, but the object declares 64", e.Message);
    }

    [KernelFact]
    public void A_pin_path_pins_a_new_map_and_reuses_a_pinned_one()
    {
        if (!Directory.Exists("/sys/fs/bpf")) throw new InvalidOperationException("bpffs is not mounted at /sys/fs/bpf");
        var path = $"/sys/fs/bpf/ebpf_dotnet_settings_{Environment.ProcessId}";
        try
        {
            var options = Ready("xdp_main");
            options.Map("sized_later").PinPath = path;
            using var first = BpfObject.Load(Fixtures.Path(Fixture), options);
            Assert.True(File.Exists(path));
            using var second = BpfObject.Load(Fixtures.Path(Fixture), options);
            Assert.Equal(first.Maps["sized_later"].Info.Id, second.Maps["sized_later"].Info.Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [KernelFact]
    public void Programs_can_be_left_unloaded_and_retargeted()
    {
        var options = Ready();
        options.Program("xdp_alternative").AutoLoad = false;
        using var bpf = BpfObject.Load(Fixtures.Path(Fixture), options);
        Assert.DoesNotContain("xdp_alternative", bpf.Programs.Names);
        var sched = Ebpf.CoRe.KernelBtf.Shared.FindByName("btf_trace_sched_switch", BtfKind.Typedef)!.Id;
        Assert.Equal((uint)sched, bpf.Programs["placeholder"].Info.AttachBtfId);

        var byId = Ready("placeholder");
        byId.Program("placeholder").AttachTarget((uint)sched);
        using var again = BpfObject.Load(Fixtures.Path(Fixture), byId);
        Assert.Equal((uint)sched, again.Programs["placeholder"].Info.AttachBtfId);
    }

    [KernelFact]
    public void A_placeholder_target_says_how_to_set_the_real_one()
    {
        var options = Ready("placeholder");
        options.ProgramSettings.Remove("placeholder");
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path(Fixture), options));
        Assert.Contains("no typedef 'btf_trace_ebpf_dotnet_placeholder'", e.Message);
        Assert.Contains("options.Program(\"placeholder\").AttachTarget(\"name\")", e.Message);
    }

    [KernelFact]
    public void Per_program_log_level_and_type_apply_to_that_program_only()
    {
        var options = Ready("xdp_main", "xdp_alternative");
        options.Program("xdp_main").LogLevel = 1;
        options.Program("xdp_main").LogSize = 4096;
        using var bpf = BpfObject.Load(Fixtures.Path(Fixture), options);
        Assert.NotNull(bpf.Programs["xdp_main"].VerifierLog);
        Assert.Null(bpf.Programs["xdp_alternative"].VerifierLog);
    }

    [Fact]
    public void Settings_for_names_the_object_lacks_are_errors_that_list_the_names()
    {
        var options = Ready();
        options.Map("no_such_map").MaxEntries = 1;
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path(Fixture), options));
        Assert.Contains("has no map 'no_such_map'; it has: sized_later, optional, reshaped", e.Message);

        options = Ready();
        options.Program("no_such_program").AutoLoad = false;
        e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path(Fixture), options));
        Assert.Contains("has no program 'no_such_program'", e.Message);
    }
}
