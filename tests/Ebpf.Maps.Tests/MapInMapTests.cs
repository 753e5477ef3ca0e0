using Ebpf.Native;

namespace Ebpf.Maps.Tests;

public class MapInMapTests
{
    // No pin directory: pinned_lru is then created fresh, not pinned.
    private static BpfObject LoadMapInMap() => BpfObject.Load(Fixtures.Path("map_in_map"));

    [KernelFact]
    public void Array_of_maps_from_an_object_set_get_id_remove()
    {
        using var bpf = LoadMapInMap();
        var outer = bpf.Maps["outer_array"].AsArrayOfMaps();
        Assert.Equal(4u, outer.Length);
        // Initial values from the object: inner_a in slot 0, inner_b in slot 2.
        Assert.Equal(bpf.Maps["inner_a"].Info.Id, outer.GetId(0));
        Assert.Equal(bpf.Maps["inner_b"].Info.Id, outer.GetId(2));
        Assert.Null(outer.GetId(1));

        outer.Set(1, bpf.Maps["inner_b"]);
        Assert.Equal(bpf.Maps["inner_b"].Info.Id, outer.GetId(1));
        Assert.True(outer.Remove(1));
        Assert.False(outer.Remove(1));
        Assert.Null(outer.GetId(1));

        // A created map of the template's shape fits; one of another shape is refused.
        using var fits = BpfArray<uint>.Create(8, name: "fits");
        outer.Set(3, fits);
        Assert.Equal(fits.Map.Info.Id, outer.GetId(3));
        using var wrong = BpfArray<ulong>.Create(8, name: "wrong");
        Assert.Equal("EINVAL", Assert.Throws<BpfSyscallException>(() => outer.Set(3, wrong)).ErrnoName);
        Assert.Throws<BpfException>(() => outer.Set(4, fits));

        // The program reads inner_a[0] through the outer map.
        bpf.Maps["inner_a"].AsArray<uint>()[0] = 42;
        Assert.Equal(42u, bpf.Programs["use_maps"].TestRun(new byte[64]).ReturnValue);
    }

    [KernelFact]
    public void Hash_of_maps_from_an_object_and_created()
    {
        using var bpf = LoadMapInMap();
        var outer = bpf.Maps["outer_hash"].AsHashOfMaps<uint>();
        using var inner = BpfHashMap<ulong, ulong>.Create(32, name: "inner_h");
        outer.Set(5, inner, BpfUpdateFlags.NoExist);
        Assert.Equal(inner.Map.Info.Id, outer.GetId(5));
        Assert.True(outer.ContainsKey(5));
        Assert.Equal("EEXIST", Assert.Throws<BpfSyscallException>(() => outer.Set(5, inner, BpfUpdateFlags.NoExist)).ErrnoName);
        Assert.Equal(new uint[] { 5 }, outer.Keys.ToArray());
        Assert.True(outer.Remove(5));
        Assert.Null(outer.GetId(5));

        using var template = BpfHashMap<uint, uint>.Create(4, name: "tmpl");
        using var created = BpfHashOfMaps<uint>.Create(8, template.Map, name: "hom");
        using var member = BpfHashMap<uint, uint>.Create(4, name: "member");
        created.Set(1, member);
        Assert.Equal(member.Map.Info.Id, created.GetId(1));

        using var array = BpfArrayOfMaps.Create(2, template.Map, name: "aom");
        array.Set(0, member.Map);
        Assert.Equal(member.Map.Info.Id, array.GetId(0));
    }

    [KernelFact]
    public void Program_array_set_from_a_loaded_program()
    {
        using var bpf = LoadMapInMap();
        var table = bpf.Maps["jump_table"].AsProgramArray();
        var target = bpf.Programs["tail_target"];
        Assert.Equal(2u, table.Length);
        Assert.Equal(target.Info.Id, table.GetId(1)); // from the object's initial values
        Assert.Null(table.GetId(0));
        table.Set(0, target);
        Assert.Equal(target.Info.Id, table.GetId(0));
        Assert.True(table.Clear(0));
        Assert.False(table.Clear(0));
        Assert.Null(table.GetId(0));
        Assert.Throws<BpfException>(() => table.Set(2, target));

        // With outer_array[0] empty, use_maps tail-calls slot 1 (tail_target returns 1); with slot 1 empty it goes on and returns 0.
        bpf.Maps["outer_array"].AsArrayOfMaps().Remove(0);
        Assert.Equal(1u, bpf.Programs["use_maps"].TestRun(new byte[64]).ReturnValue);
        table.Clear(1);
        Assert.Equal(0u, bpf.Programs["use_maps"].TestRun(new byte[64]).ReturnValue);

        using var created = BpfProgramArray.Create(4, "jumps");
        created.Set(3, target);
        Assert.Equal(target.Info.Id, created.GetId(3));
    }

    [KernelFact]
    public void Lru_hash_from_an_object()
    {
        using var bpf = LoadMapInMap();
        var lru = bpf.Maps["pinned_lru"].AsLruHashMap<uint, ulong>();
        Assert.True(lru.IsLru);
        lru[0] = 7;
        Assert.Equal(7UL, bpf.Maps["pinned_lru"].AsHashMap<uint, ulong>()[0]);
    }
}
