using Ebpf.Object.Data;
using Ebpf.Object.Maps;
using Ebpf.Object.Relocations;
using Ebpf.Tests;

namespace Ebpf.Object.Tests.Objects;

public class ObjectReaderTests
{
    private static BpfObjectFile Read(string name) => BpfObjectFile.Read(Fixtures.Path(name));

    [Fact]
    public void Reads_programs_of_one_section_by_symbol_with_license_and_version()
    {
        var obj = Read("cgroup_skb");
        Assert.Equal(["count_ingress", "count_egress", "filter_egress", "either_direction"], obj.Programs.Select(p => p.Name));
        Assert.Equal(["cgroup_skb/ingress", "cgroup_skb/egress", "cgroup_skb/egress", "cgroup/skb"], obj.Programs.Select(p => p.SectionName));
        Assert.All(obj.Programs, p => Assert.Equal(BpfProgramType.CgroupSkb, p.ProgramType));
        Assert.Equal(BpfAttachType.CgroupInetIngress, obj.Programs[0].Definition!.ExpectedAttachType);
        Assert.Equal(BpfAttachType.CgroupInetEgress, obj.Programs[2].Definition!.ExpectedAttachType);
        Assert.Null(obj.Programs[3].Definition!.ExpectedAttachType);
        Assert.Equal("Dual BSD/GPL", obj.License);
        Assert.Equal(0x060100u, obj.KernelVersion);
        Assert.Empty(obj.Subprograms);
    }

    [Fact]
    public void Instruction_counts_equal_symbol_sizes()
    {
        foreach (var path in Fixtures.All())
        {
            var obj = BpfObjectFile.Read(path);
            foreach (var p in obj.Programs.Concat(obj.Subprograms))
            {
                var symbol = obj.Elf.Symbols.Single(s => s.Name == p.Name && s.Type == Elf.SymbolType.Func);
                Assert.Equal((int)symbol.Size / 8, p.SlotCount);
                Assert.Equal(p.SlotCount, p.Instructions.Sum(i => i.Slots));
            }
        }
    }

    [Fact]
    public void Resolves_bpf_to_bpf_calls_through_relocations_and_pc_relative_calls()
    {
        var obj = Read("subprog");
        Assert.Equal(["global_helper", "add_mul", "fold"], obj.Subprograms.OrderBy(s => s.ByteOffset).Select(s => s.Name));
        var a = obj.FindProgram("prog_a")!;
        Assert.Equal(["add_mul", "global_helper"], a.Callees.Select(c => c.Name).Order());
        var b = obj.FindProgram("prog_b")!;
        Assert.Equal(["prog_b", "fold", "global_helper", "add_mul"], b.ReachableFunctions().Select(f => f.Name));
        Assert.Equal(["add_mul"], obj.FindProgram("fold")!.Callees.Select(c => c.Name)); // unrelocated, PC-relative
        Assert.All(a.Relocations, r => Assert.Equal(RelocationKind.Call, r.Kind));
        Assert.Equal(2, a.Relocations.Count);
        Assert.Equal("tc", obj.FindProgram("prog_tc")!.SectionName);
    }

    [Fact]
    public void Btf_maps_agree_with_bpftool()
    {
        foreach (var name in new[] { "cgroup_skb", "map_in_map" })
        {
            var obj = Read(name);
            var bpftool = new BpftoolBtf(Fixtures.Path(name));
            var datasec = bpftool.Datasec(".maps");
            var vars = datasec.GetProperty("vars").EnumerateArray().Select(v => v.GetProperty("type_id").GetInt32()).ToList();
            Assert.Equal(vars.Count, obj.Maps.Count);
            foreach (var varId in vars)
            {
                var mapName = bpftool[varId].GetProperty("name").GetString()!;
                var map = obj.FindMap(mapName);
                Assert.NotNull(map);
                var def = bpftool.MapDefinition(varId);
                Assert.Equal(def["type"], (long)map.Type);
                Assert.Equal(def.GetValueOrDefault("max_entries"), map.MaxEntries);
                Assert.Equal(def.GetValueOrDefault("map_flags"), map.Flags);
                Assert.Equal(def.GetValueOrDefault("key", def.GetValueOrDefault("key_size")), map.KeySize);
                if (map.InnerMap is null && map.Type != BpfMapType.ProgArray)
                    Assert.Equal(def.GetValueOrDefault("value", def.GetValueOrDefault("value_size")), map.ValueSize);
                Assert.Equal(def.GetValueOrDefault("pinning"), (long)map.Pinning);
                Assert.Equal(varId, map.BtfVarId);
            }
        }
    }

    [Fact]
    public void Map_in_map_has_inner_template_and_initial_values()
    {
        var obj = Read("map_in_map");
        var outer = obj.FindMap("outer_array")!;
        Assert.Equal(BpfMapType.ArrayOfMaps, outer.Type);
        Assert.Equal(4u, outer.ValueSize);
        Assert.NotNull(outer.InnerMap);
        Assert.Equal(BpfMapType.Array, outer.InnerMap.Type);
        Assert.Equal((4u, 4u, 8u), (outer.InnerMap.KeySize, outer.InnerMap.ValueSize, outer.InnerMap.MaxEntries));
        Assert.Equal([new MapSlotInitializer(0, "inner_a", false), new MapSlotInitializer(2, "inner_b", false)], outer.Initializers);

        var hash = obj.FindMap("outer_hash")!;
        Assert.Equal(BpfMapType.HashOfMaps, hash.Type);
        Assert.Equal((BpfMapType.Hash, 8u, 8u, 32u), (hash.InnerMap!.Type, hash.InnerMap.KeySize, hash.InnerMap.ValueSize, hash.InnerMap.MaxEntries));

        var jump = obj.FindMap("jump_table")!;
        Assert.Equal(BpfMapType.ProgArray, jump.Type);
        Assert.Equal([new MapSlotInitializer(1, "tail_target", true)], jump.Initializers);

        var lru = obj.FindMap("pinned_lru")!;
        Assert.Equal(MapPinType.ByName, lru.Pinning);
        Assert.Equal((BpfMapType.LruHash, 128u), (lru.Type, lru.MaxEntries));
        Assert.Equal((BpfMapType.Ringbuf, 4096u, 0u, 0u), (obj.FindMap("events")!.Type, obj.FindMap("events")!.MaxEntries, obj.FindMap("events")!.KeySize, obj.FindMap("events")!.ValueSize));

        var use = obj.FindProgram("use_maps")!;
        Assert.Equal(["events", "jump_table", "outer_array", "outer_hash", "pinned_lru"],
            use.Relocations.Where(r => r.Kind == RelocationKind.Map).Select(r => r.Map!.Name).Distinct().Order());
    }

    [Fact]
    public void Legacy_maps_are_read_from_the_maps_section()
    {
        var obj = Read("legacy_maps");
        var hash = obj.FindMap("legacy_hash")!;
        Assert.Equal((BpfMapType.Hash, 4u, 8u, 256u, 0u, MapDefinitionStyle.Legacy), (hash.Type, hash.KeySize, hash.ValueSize, hash.MaxEntries, hash.Flags, hash.Style));
        var array = obj.FindMap("legacy_array")!;
        Assert.Equal((BpfMapType.Array, 4u, 16u, 4u, 0x80u), (array.Type, array.KeySize, array.ValueSize, array.MaxEntries, array.Flags));
        var prog = obj.FindProgram("legacy_xdp")!;
        Assert.Equal(BpfProgramType.Xdp, prog.ProgramType);
        Assert.Equal(["legacy_array", "legacy_hash"], prog.Relocations.Select(r => r.Map!.Name).Distinct().Order());
    }

    [Fact]
    public void Global_data_of_every_kind_agrees_with_bpftool_and_the_symbol_table()
    {
        var obj = Read("global_data");
        var bpftool = new BpftoolBtf(Fixtures.Path("global_data"));
        Assert.Equal([".bss", ".data", ".data.custom", ".rodata", ".rodata.custom"], obj.DataSections.Select(d => d.Name).Order());
        foreach (var section in obj.DataSections)
        {
            var datasec = bpftool.Datasec(section.Name);
            Assert.Equal(datasec.GetProperty("id").GetInt32(), section.BtfTypeId);
            var expected = datasec.GetProperty("vars").EnumerateArray()
                .Select(v => bpftool[v.GetProperty("type_id").GetInt32()])
                .Select(var => (Name: var.GetProperty("name").GetString()!, Size: bpftool.SizeOf(var.GetProperty("type_id").GetInt32()), Type: var.GetProperty("type_id").GetInt32()))
                .OrderBy(v => v.Name).ToList();
            Assert.Equal(expected, section.Variables.Select(v => (v.Name, v.Size, v.BtfTypeId!.Value)).OrderBy(v => v.Name).ToList());
            foreach (var v in section.Variables)
            {
                var symbol = obj.Elf.Symbols.Single(s => s.Name == v.Name);
                Assert.Equal((long)symbol.Value, v.Offset);
            }
        }
        var data = obj.FindDataSection(".data")!;
        Assert.Equal(DataSectionKind.Data, data.Kind);
        Assert.Equal(7L, BitConverter.ToInt64(data.InitialValue, (int)data.FindVariable("data_counter")!.Offset));
        Assert.True(data.FindVariable("static_data")!.IsStatic);
        var ro = obj.FindDataSection(".rodata")!;
        Assert.Equal(DataSectionKind.ReadOnly, ro.Kind);
        Assert.Equal(443u, BitConverter.ToUInt32(ro.InitialValue, (int)ro.FindVariable("ro_config")!.Offset));
        var bss = obj.FindDataSection(".bss")!;
        Assert.Equal(DataSectionKind.Bss, bss.Kind);
        Assert.Equal(40, bss.Size);
        Assert.All(bss.InitialValue, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Global_data_relocations_name_section_offset_and_variable()
    {
        var obj = Read("global_data");
        var relocations = obj.FindProgram("use_globals")!.Relocations;
        Assert.Equal(11, relocations.Count);
        Assert.All(relocations, r => Assert.Equal(RelocationKind.GlobalData, r.Kind));
        var byVariable = relocations.ToDictionary(r => r.Variable!.Name, r => (r.Data!.Name, r.DataOffset));
        Assert.Equal((".data", 12L), byVariable["static_data"]); // relocated against the section symbol, offset in the immediate
        Assert.Equal((".bss", 8L), byVariable["bss_array"]);
        Assert.Equal((".rodata.custom", 0L), byVariable["custom_ro"]);
        Assert.Equal((".rodata", 0x18L), byVariable["ro_name"]);
    }

    [Fact]
    public void Line_and_func_info_and_core_relocations_are_attached_to_programs()
    {
        var obj = Read("core");
        var prog = obj.FindProgram("on_switch")!;
        Assert.NotEmpty(prog.CoreRelocations);
        Assert.Single(prog.FuncInfos);
        Assert.Equal(0, prog.FuncInfos[0].InstructionOffset);
        Assert.Contains(prog.LineInfos, l => l.FileName.EndsWith("core.c") && l.LineText.Contains("BPF_CORE_READ"));

        var skb = Read("cgroup_skb").FindProgram("filter_egress")!;
        Assert.Contains(skb.LineInfos, l => l.LineText.Contains("bpf_map_lookup_elem(&blocked"));
        Assert.All(skb.LineInfos, l => Assert.InRange(l.InstructionOffset, 0, skb.SlotCount - 1));
    }

    [Fact]
    public void Bare_cgroup_skb_section_names_the_fix()
    {
        var obj = BpfObjectFile.Read(Path.Combine(Fixtures.Directory, "bad", "bare_cgroup_skb.o"));
        var prog = obj.Programs.Single();
        Assert.Null(prog.Definition);
        var e = Assert.ThrowsAny<BpfException>(() => prog.ProgramType);
        Assert.Contains("cgroup_skb/ingress", e.Message);
        Assert.Contains("cgroup_skb/egress", e.Message);
        Assert.Contains("cgroup/skb", e.Message);
        Assert.Contains("direction", e.Message);
    }

    [Fact]
    public void Reads_from_path_bytes_and_stream_alike()
    {
        var path = Fixtures.Path("subprog");
        var bytes = File.ReadAllBytes(path);
        using var stream = File.OpenRead(path);
        var names = new[] { BpfObjectFile.Read(path), BpfObjectFile.Read(bytes.AsSpan()), BpfObjectFile.Read(stream) }
            .Select(o => string.Join(",", o.Programs.Select(p => p.Name + ":" + p.SlotCount)));
        Assert.Single(names.Distinct());
    }
}
