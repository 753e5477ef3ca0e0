using Ebpf.Asm;
using Ebpf.Object.Data;
using Ebpf.Object.Relocations;
using Ebpf.Object.Writing;

namespace Ebpf.Object.Tests.Writing;

/// <summary>What the builder writes, our reader reads back unchanged.</summary>
public class RoundTripTests
{
    private static BpfObjectFile ReadBack(BpfObjectBuilder b) => BpfObjectFile.Read(b.Build(), "built");

    [Fact]
    public void Programs_and_subprograms_read_back_with_their_instructions()
    {
        var b = SampleObjects.Counter();
        var obj = ReadBack(b);
        Assert.Equal("GPL", obj.License);
        var egress = Assert.Single(obj.Programs);
        Assert.Equal("count_egress", egress.Name);
        Assert.Equal("cgroup_skb/egress", egress.SectionName);
        Assert.Equal(BpfProgramType.CgroupSkb, egress.ProgramType);
        var sub = Assert.Single(obj.Subprograms);
        Assert.Equal("add_total", sub.Name);
        Assert.Equal(Elf.SymbolBinding.Local, sub.Binding);
        Assert.Equal(15, egress.Instructions.Length);
        Assert.Equal(8, sub.Instructions.Length);
        // Only the immediates of relocated instructions differ from the input (the writer fills them).
        Assert.Equal(Instruction.Exit(), egress.Instructions[^1]);
        Assert.Equal(Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R0, 8, Register.R1), egress.Instructions[10]);
        Assert.Same(sub, Assert.Single(egress.Callees));
    }

    [Fact]
    public void Relocations_name_their_map_variable_and_callee()
    {
        var obj = ReadBack(SampleObjects.Counter());
        var egress = obj.Programs[0];
        Assert.Collection(egress.Relocations,
            r => { Assert.Equal(4, r.InstructionOffset); Assert.Equal(RelocationKind.Map, r.Kind); Assert.Equal("traffic", r.Map!.Name); Assert.Equal(Elf.BpfRelocationType.Bpf64_64, r.ElfType); },
            r => { Assert.Equal(13, r.InstructionOffset); Assert.Equal(RelocationKind.Call, r.Kind); Assert.Equal("add_total", r.Target!.Name); Assert.Equal(Elf.BpfRelocationType.Bpf64_32, r.ElfType); });
        var sub = obj.Subprograms[0];
        Assert.Collection(sub.Relocations,
            r => { Assert.Equal(1, r.InstructionOffset); Assert.Equal(".rodata", r.Data!.Name); Assert.Equal("threshold", r.Variable!.Name); Assert.Equal(0, r.DataOffset); },
            r => { Assert.Equal(5, r.InstructionOffset); Assert.Equal(".bss", r.Data!.Name); Assert.Equal("total", r.Variable!.Name); });
    }

    [Fact]
    public void Maps_read_back_with_type_sizes_and_btf_types()
    {
        var b = SampleObjects.Counter();
        b.AddMap(new MapDefinition("blocked", BpfMapType.Hash, 1024) { KeySize = 4, ValueSize = 8, Flags = 1, Pinning = Maps.MapPinType.ByName });
        var obj = ReadBack(b);
        var traffic = obj.FindMap("traffic")!;
        Assert.Equal(BpfMapType.Array, traffic.Type);
        Assert.Equal((4u, 16u, 2u, 0u), (traffic.KeySize, traffic.ValueSize, traffic.MaxEntries, traffic.Flags));
        Assert.Equal("unsigned int", obj.Btf![traffic.KeyTypeId!.Value].Name);
        Assert.Equal("counters", obj.Btf[traffic.ValueTypeId!.Value].Name);
        var blocked = obj.FindMap("blocked")!;
        Assert.Equal((BpfMapType.Hash, 4u, 8u, 1024u, 1u, Maps.MapPinType.ByName), (blocked.Type, blocked.KeySize, blocked.ValueSize, blocked.MaxEntries, blocked.Flags, blocked.Pinning));
        Assert.Null(blocked.KeyTypeId);
    }

    [Fact]
    public void Global_data_reads_back_with_values_variables_and_types()
    {
        var obj = ReadBack(SampleObjects.Counter());
        var rodata = obj.FindDataSection(".rodata")!;
        Assert.Equal(DataSectionKind.ReadOnly, rodata.Kind);
        Assert.Equal(BitConverter.GetBytes(100u), rodata.InitialValue);
        var threshold = Assert.Single(rodata.Variables);
        Assert.Equal(("threshold", 0L, 4L, false), (threshold.Name, threshold.Offset, threshold.Size, threshold.IsStatic));
        Assert.Equal("unsigned int", obj.Btf![threshold.BtfTypeId!.Value].Name);
        var bss = obj.FindDataSection(".bss")!;
        Assert.Equal(DataSectionKind.Bss, bss.Kind);
        Assert.Equal(new byte[8], bss.InitialValue);
        var calls = Assert.Single(obj.FindDataSection(".data")!.Variables);
        Assert.True(calls.IsStatic);
    }

    [Fact]
    public void Line_and_func_infos_read_back_in_slots()
    {
        var obj = ReadBack(SampleObjects.Counter());
        var egress = obj.Programs[0];
        Assert.Equal(
            [new(0, SampleObjects.File, "uint key = 1;", 10, 9), new(4, SampleObjects.File, "var c = Traffic.Lookup(key);", 11, 9),
             new(12, SampleObjects.File, "AddTotal(skb);", 14, 9), new(14, SampleObjects.File, "return SkbVerdict.Pass;", 15, 9)],
            egress.LineInfos);
        Assert.Equal("count_egress", obj.Btf![Assert.Single(egress.FuncInfos).TypeId].Name);
        var sub = obj.Subprograms[0];
        Assert.Equal([0, 5], sub.LineInfos.Select(l => l.InstructionOffset));
        Assert.Equal("add_total", obj.Btf[Assert.Single(sub.FuncInfos).TypeId].Name);
    }

    [Fact]
    public void Instructions_read_back_equal_except_the_immediates_the_writer_fills()
    {
        var obj = ReadBack(SampleObjects.Counter());
        foreach (var (spec, original) in new[] { (obj.Programs[0], SampleObjects.Egress), (obj.Subprograms[0], SampleObjects.AddTotal) })
        {
            Assert.Equal(original.Instructions.Count, spec.Instructions.Length);
            var relocated = original.Relocations.Select(r => r.InstructionIndex).ToHashSet();
            for (var i = 0; i < spec.Instructions.Length; i++)
                if (relocated.Contains(i))
                    Assert.Equal((original.Instructions[i].OpCode, original.Instructions[i].Dst), (spec.Instructions[i].OpCode, spec.Instructions[i].Dst));
                else
                    Assert.Equal(original.Instructions[i], spec.Instructions[i]);
        }
    }

    [Fact]
    public void Global_subprogram_calls_function_addresses_and_variable_offsets_read_back()
    {
        var b = new BpfObjectBuilder { License = "GPL" };
        var u64 = b.Btf.Add(new Ebpf.Object.Btf.BtfInt { Name = "unsigned long long", Size = 8, Bits = 64 });
        var pair = b.Btf.Add(new Ebpf.Object.Btf.BtfStruct { Name = "pair", Size = 16, Members = [new("a", u64, 0), new("b", u64, 64)] });
        b.AddVariable(".data", "first", u64, BitConverter.GetBytes(1UL));
        b.AddVariable(".data", "pairs", pair, new byte[16], isStatic: true);
        b.AddSubprogram(new FunctionDefinition("callback", [Instruction.Mov64(Register.R0, 0), Instruction.Exit()]));
        b.AddSubprogram(new FunctionDefinition("helper", [Instruction.Mov64(Register.R0, 2), Instruction.Exit()]));
        Instruction[] code =
        [
            Instruction.LoadImm64(Register.R2, 0),   // &callback
            Instruction.LoadImm64(Register.R3, 0),   // &pairs.b
            Instruction.CallPseudo(0),               // helper()
            Instruction.Exit(),
        ];
        b.AddProgram("xdp", new FunctionDefinition("main", code)
        {
            Relocations = [CodeRelocation.FunctionAddress(0, "callback"), CodeRelocation.Variable(1, "pairs", 8), CodeRelocation.Call(2, "helper")],
        });
        var obj = ReadBack(b);
        var main = obj.Programs[0];
        Assert.Collection(main.Relocations,
            r => { Assert.Equal(RelocationKind.FunctionAddress, r.Kind); Assert.Equal("callback", r.Target!.Name); Assert.Equal(LdImm64Source.Func, main.Instructions[0].PseudoSource); },
            r => { Assert.Equal(RelocationKind.GlobalData, r.Kind); Assert.Equal("pairs", r.Variable!.Name); Assert.Equal(r.Variable.Offset + 8, r.DataOffset); },
            r => { Assert.Equal(RelocationKind.Call, r.Kind); Assert.Equal("helper", r.Target!.Name); Assert.Equal("helper", r.SymbolName); });
        Assert.Equal(["callback", "helper"], main.Callees.Select(c => c.Name).Order());
        Assert.All(obj.Subprograms, s => Assert.Equal(Elf.SymbolBinding.Global, s.Binding));
    }

    [Fact]
    public void Building_twice_gives_the_same_bytes()
    {
        var b = SampleObjects.Counter();
        Assert.Equal(b.Build(), b.Build());
    }
}
