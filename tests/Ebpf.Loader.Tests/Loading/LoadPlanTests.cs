using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>Loads of one <see cref="BpfObjectFile"/> share its preparation (linking, relocation, BTF) and stay independent.</summary>
[Collection(nameof(DescriptorCount))]
public class LoadPlanTests
{
    [KernelFact]
    public void Two_loads_of_one_object_share_the_prepared_programs_and_keep_their_own_maps()
    {
        var spec = BpfObjectFile.Read(Fixtures.Path("global_data"));
        using var first = BpfObject.Load(spec);
        using var second = BpfObject.Load(spec);
        Assert.Empty(first.Warnings); // the kernel took the fixed-up BTF (DATASEC sizes and offsets)
        Assert.Same(first.Programs["use_globals"].Linked, second.Programs["use_globals"].Linked);

        using (var data = first.GlobalData(".data"))
            data.Set("static_data", 100u);
        var packet = LoaderBehaviourTests.Packet();
        Assert.Equal((1u << 20) + 101u, first.Programs["use_globals"].TestRun(packet).ReturnValue);
        Assert.Equal(1048582u, second.Programs["use_globals"].TestRun(packet).ReturnValue); // its own .data, untouched
    }

    [KernelFact]
    public void Concurrent_loads_of_one_object_all_succeed()
    {
        foreach (var name in new[] { "subprog", "core", "map_in_map" })
        {
            var spec = BpfObjectFile.Read(Fixtures.Path(name));
            var objects = new BpfObject[8];
            Parallel.For(0, objects.Length, i => objects[i] = BpfObject.Load(spec));
            try
            {
                foreach (var o in objects)
                    Assert.Equal(objects[0].Programs.Names.Order(), o.Programs.Names.Order());
            }
            finally
            {
                foreach (var o in objects) o.Dispose();
            }
        }
    }

    [KernelFact]
    public void A_refused_program_is_refused_the_same_way_on_every_load_and_its_neighbours_still_load()
    {
        var spec = BpfObjectFile.Read(Fixtures.Path("core_missing"));
        var options = new BpfLoadOptions { Programs = ["unguarded"] };
        var first = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(spec, options));
        var again = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(spec, options));
        Assert.Equal(first.Message, again.Message);
        using var guarded = BpfObject.Load(spec, new BpfLoadOptions { Programs = ["guarded", "enum_guarded"] });
        Assert.Equal(2, guarded.Programs.Count);
    }
}
