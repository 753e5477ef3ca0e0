using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>
/// Map definitions in the shapes of cilium/ebpf's testdata `arena`, `btf_map_init` and `linked` (our fixtures
/// map_shapes.c and linked/, built with clang-14 and bpftool gen object), read as cilium/ebpf and libbpf read them.
/// </summary>
public class MapShapeTests
{
    [Fact]
    public void An_arenas_map_extra_may_be_an_enum()
    {
        var arena = BpfObjectFile.Read(Fixtures.Path("arena_map")).FindMap("arena")!;
        Assert.Equal((BpfMapType.Arena, 1ul << 28, 4u), (arena.Type, arena.MapExtra, arena.MaxEntries));
    }

    [KernelFact]
    public void An_arena_is_created_with_its_map_extra_or_the_refusal_is_explained()
    {
        try
        {
            using var bpf = BpfObject.Load(Fixtures.Path("arena_map"));
            Assert.Equal(1ul << 28, bpf.Maps["arena"].Info.MapExtra);
        }
        catch (BpfLoadException e) when (e.Message.Contains("EPERM"))
        {
            // This kernel refuses arenas even to root: the error says the kernel refuses the map type, not the privilege.
            Assert.Contains("so the kernel refuses this map type (Arena) or its flags here, not the privilege", e.Message);
        }
    }

    [Fact]
    public void A_program_array_with_values_may_declare_a_4_byte_value_type()
    {
        var spec = BpfObjectFile.Read(Fixtures.Path("map_shapes"));
        var table = spec.FindMap("jump_table")!;
        Assert.Equal(4u, table.ValueSize);
        Assert.Equal(new Object.Maps.MapSlotInitializer(1, "tail_target", IsProgram: true), Assert.Single(table.Initializers));
        var outer = spec.FindMap("outer_array")!;
        Assert.Equal("inner_array", Assert.Single(outer.Initializers).TargetName);
        Assert.NotNull(outer.InnerMap);
    }

    [Fact]
    public void Legacy_maps_of_a_linked_object_are_read_at_their_symbols()
    {
        var maps = BpfObjectFile.Read(Fixtures.Path("linked")).Maps.ToDictionary(m => m.Name);
        Assert.Equal(2, maps.Count);
        Assert.Equal((BpfMapType.Hash, 4u, 4u, 1u), (maps["first_wins"].Type, maps["first_wins"].KeySize, maps["first_wins"].ValueSize, maps["first_wins"].MaxEntries));
        Assert.Equal(2u, maps["second_wins"].MaxEntries); // part2's strong definition, 60 bytes into an 80-byte section
        Assert.Equal(60, maps["second_wins"].SectionOffset);
    }

    [KernelFact]
    public void The_shapes_load_and_the_initial_values_are_in_place()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("map_shapes"));
        Assert.Empty(bpf.Warnings);
        Assert.Equal(42u, bpf.Programs["tail_caller"].TestRun(new byte[64]).ReturnValue); // the tail call found slot 1 filled
    }

    [KernelFact]
    public void The_linked_object_loads_with_the_winning_definitions()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("linked"));
        Assert.Equal(1u, bpf.Maps["first_wins"].Info.MaxEntries);
        Assert.Equal(2u, bpf.Maps["second_wins"].Info.MaxEntries);
        Assert.Equal(0u, bpf.Programs["entry1"].TestRun(new byte[64]).ReturnValue);
    }
}
